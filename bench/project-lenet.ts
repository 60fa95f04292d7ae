// This project's side of `npm run bench`, one measurement per process. Prints one JSON object.
// Modes: epoch (one epoch of the seed recipe), steps (median training-step time on one batch),
// infer (test images per second through the exported-model path), profile (per-op breakdown).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lenet } from '../model/lenet.onnx-builder';
import { fillBatch } from '../src/data/dataset';
import { loadSplit, locateMnist } from '../src/data/mnist';
import { inOrder } from '../src/data/shuffle';
import { evaluateModel } from '../src/inference/evaluate';
import { buildInferenceModel, INFERENCE_IO } from '../src/inference/inference-graph';
import { encodeModel } from '../src/onnx/encode';
import { SessionConfig } from '../src/runtime/session';
import { initParams } from '../src/training/init';
import { nativeEngine, trainWithStepGraph } from '../src/training/native-engine';
import { buildTrainingStep } from '../src/training/step-graph';
import { initialState } from '../src/training/trainer';

const [mode = 'steps', threadsArg = '2', variant = ''] = process.argv.slice(2);
const session: SessionConfig = { threads: Number(threadsArg), spinning: variant === 'spinning' };
/** Inference batch: evaluate's default 1000, or 250 with spinning threads (the fastest measured). */
const inferBatch = variant === 'spinning' ? 250 : 1000;
const recipe = { model: 'lenet', epochs: 1, batchSize: 100, learningRate: 0.03, seed: 42 };
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main() {
  const dir = await locateMnist();
  const step = encodeModel(buildTrainingStep(lenet));
  const params = initParams(lenet, 42);
  if (mode === 'epoch') {
    const data = loadSplit(dir, 'train');
    const t = performance.now();
    await trainWithStepGraph(lenet, step, initialState(recipe, params), data, session);
    const s = (performance.now() - t) / 1000;
    return { epoch_s: s, samples_per_s: 60000 / s, peak_rss_mb: peakRssMb() };
  }
  if (mode === 'infer') {
    const test = loadSplit(dir, 'test');
    const io = { path: 'lenet', bytes: encodeModel(buildInferenceModel(lenet, params)), input: INFERENCE_IO.input, output: INFERENCE_IO.logits };
    await evaluateModel(io, test, { batchSize: inferBatch, session }); // warm-up
    const r = await evaluateModel(io, test, { batchSize: inferBatch, session });
    return { images_per_s: r.total / r.seconds, peak_rss_mb: peakRssMb() };
  }
  const test = loadSplit(dir, 'test');
  const { x, y } = fillBatch(test, inOrder(100), 0, 100, new Float32Array(78400), new BigInt64Array(100));
  const prefix = join(tmpdir(), `lenet-profile-${process.pid}`);
  const engine = await nativeEngine(lenet, step, params, 0, mode === 'profile' ? { ...session, profilePrefix: prefix } : session);
  for (let i = 0; i < 10; i++) await (await engine.step(x, y, 100)).commit();
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await (await engine.step(x, y, 100)).commit();
    times.push(performance.now() - t);
  }
  await engine.release();
  times.sort((a, b) => a - b);
  if (mode !== 'profile') return { step_ms: times[30] };
  const file = readdirSync(tmpdir()).map((f) => join(tmpdir(), f)).find((f) => f.startsWith(prefix));
  const events = JSON.parse(readFileSync(file!, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  rmSync(file!);
  const byOp: Record<string, number> = {};
  for (const e of events) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) byOp[e.args!.op_name!] = (byOp[e.args!.op_name!] ?? 0) + e.dur / 1000 / 70;
  return { step_ms: times[30], ms_per_step_by_op: byOp };
}

main().then((r) => console.log(JSON.stringify(r))).catch((e) => {
  console.error(e);
  process.exit(1);
});
