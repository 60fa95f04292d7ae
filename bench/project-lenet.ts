// This project's side of `npm run bench`, one measurement per process. Prints one JSON object.
// Modes: epoch (one epoch of the seed recipe), steps (median training-step time on one batch),
// infer (test images per second through the exported-model path), latency (microseconds per
// image, one image per run), profile (per-op breakdown),
// loop (step time with K steps per run, the ONNX Loop of --steps-per-run, vs one step per run).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lenet } from '../model/lenet.onnx-builder';
import { fillBatch, firstSamples } from '../src/data/dataset';
import { loadSplit, locateMnist } from '../src/data/dataset-files';
import { inOrder } from '../src/data/shuffle';
import { evaluateModel } from '../src/inference/evaluate';
import { DEFAULT_INFERENCE_BATCH } from '../src/inference/inference-batch';
import { buildInferenceModel, INFERENCE_IO } from '../src/inference/inference-graph';
import { encodeModel } from '../src/onnx/encode';
import { SessionConfig } from '../src/runtime/session';
import { initParams } from '../src/training/graphs/init';
import { nativeEngine } from '../src/training/engines/native-engine';
import { runEpochsOnStepGraph } from '../src/training/run/trainer';
import { PLAIN_SGD } from '../src/training/graphs/optimizers/optimizer';
import { buildTrainingStep } from '../src/training/graphs/step-graph';
import { buildTrainingLoop } from '../src/training/graphs/loop-graph';
import { loopEngine } from '../src/training/engines/loop-engine';
import { StepEngine } from '../src/training/engines/step-engine';
import { initialState } from '../src/training/run/trainer';
import { median } from './median';

/** Learning rate 0 for timing: the parameters stay put. */
const LR_ZERO = new Float32Array(1);

const [mode = 'steps', threadsArg = '2', variant = ''] = process.argv.slice(2);
const session: SessionConfig = { threads: Number(threadsArg), spinning: variant === 'spinning' };
/** Inference batch: evaluate's default (the spinning variant differs only in its threads). */
const inferBatch = DEFAULT_INFERENCE_BATCH;
const recipe = { model: 'lenet', epochs: 1, batchSize: 100, learningRate: 0.03, seed: 42 };
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main() {
  const dir = await locateMnist();
  const step = encodeModel(buildTrainingStep(lenet));
  const params = initParams(lenet, 42);
  if (mode === 'epoch') {
    const data = loadSplit(dir, 'train');
    const t = performance.now();
    await runEpochsOnStepGraph(lenet, step, initialState(recipe, params), data, session);
    const s = (performance.now() - t) / 1000;
    return { epoch_s: s, samples_per_s: 60000 / s, peak_rss_mb: peakRssMb() };
  }
  if (mode === 'infer' || mode === 'latency') {
    // latency: one image per run, as an app classifying what it is shown (the first 2,000 test images).
    const test = mode === 'latency' ? firstSamples(loadSplit(dir, 'test'), 2000) : loadSplit(dir, 'test');
    const batchSize = mode === 'latency' ? 1 : inferBatch;
    const io = { path: 'lenet', bytes: encodeModel(buildInferenceModel(lenet, params)), input: INFERENCE_IO.input, output: INFERENCE_IO.logits, classes: lenet.classes };
    await evaluateModel(io, test, { batchSize, session }); // warm-up
    const r = await evaluateModel(io, test, { batchSize, session });
    return { images_per_s: r.total / r.seconds, us_per_image: (1e6 * r.seconds) / r.total, peak_rss_mb: peakRssMb() };
  }
  const test = loadSplit(dir, 'test');
  if (mode === 'loop') return loopSteps(step, params, test, Number(variant));
  if (mode === 'webgpu') return webgpuSteps(step, params, test, Number(variant) || 10);
  const { x, y } = fillBatch(test, inOrder(100), 0, 100, new Float32Array(78400), new BigInt64Array(100));
  const prefix = join(tmpdir(), `lenet-profile-${process.pid}`);
  const engine = await nativeEngine(lenet, step, params, PLAIN_SGD, mode === 'profile' ? { ...session, profilePrefix: prefix } : session);
  for (let i = 0; i < 10; i++) await (await engine.run(x, y, 1, 100, LR_ZERO, 0)).commit(1);
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await (await engine.run(x, y, 1, 100, LR_ZERO, 0)).commit(1);
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

/**
 * Milliseconds per step on WebGPU at a small batch, with the parameters and optimizer state kept in
 * GPU memory between steps (the default) and copied to the host and back every step, in
 * alternating blocks in one process: what the host copies cost per step.
 */
async function webgpuSteps(step: Uint8Array, params: ReturnType<typeof initParams>, test: ReturnType<typeof loadSplit>, batch: number) {
  const { x, y } = fillBatch(test, inOrder(batch), 0, batch, new Float32Array(batch * 784), new BigInt64Array(batch));
  const engines = {
    resident: await nativeEngine(lenet, step, params, PLAIN_SGD, { ...session, ep: 'webgpu' }),
    copied: await nativeEngine(lenet, step, params, PLAIN_SGD, { ...session, ep: 'webgpu' }, { keepOnDevice: false }),
  };
  const times: Record<keyof typeof engines, number[]> = { resident: [], copied: [] };
  for (const e of Object.values(engines)) await (await e.run(x, y, 1, batch, LR_ZERO, 0)).commit(1); // shader compilation
  for (let block = 0; block < 4; block++) {
    for (const name of ['resident', 'copied'] as const) {
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await (await engines[name].run(x, y, 1, batch, LR_ZERO, 0)).commit(1);
        times[name].push(performance.now() - t);
      }
    }
  }
  const copyOut: number[] = []; // the parameters from GPU memory to the host: one of the two copies a step would make
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await engines.resident.params();
    copyOut.push(performance.now() - t);
  }
  await Promise.all(Object.values(engines).map((e) => e.release()));
  return {
    batch,
    resident_step_ms: median(times.resident),
    copied_step_ms: median(times.copied),
    copied_over_resident: median(times.copied) / median(times.resident),
    copy_out_ms: median(copyOut),
  };
}

/**
 * Milliseconds per step (batch 100, lr 0: the parameters stay put) with one step per run (the step
 * graph) and with K steps per run (the loop graph), alternating blocks of >= 100 steps in one process.
 */
async function loopSteps(step: Uint8Array, params: ReturnType<typeof initParams>, test: ReturnType<typeof loadSplit>, k: number) {
  const x = new Float32Array(k * 78400);
  const y = new BigInt64Array(k * 100);
  fillBatch(test, inOrder(k * 100), 0, k * 100, x, y);
  const single = await nativeEngine(lenet, step, params, PLAIN_SGD, session);
  const looped = await loopEngine(lenet, encodeModel(buildTrainingLoop(lenet)), params, PLAIN_SGD, session, k);
  const block = k * Math.ceil(100 / k);
  const time = async (engine: StepEngine, perRun: number) => {
    const t = performance.now();
    for (let done = 0; done < block; done += perRun) {
      const at = (done % k) * 100;
      await (await engine.run(x.subarray(at * 784, (at + perRun * 100) * 784), y.subarray(at, at + perRun * 100), perRun, 100, new Float32Array(perRun), done)).commit(perRun);
    }
    return (performance.now() - t) / block;
  };
  await time(single, 1);
  await time(looped, k);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 5; round++) {
    a.push(await time(single, 1));
    b.push(await time(looped, k));
  }
  await single.release();
  await looped.release();
  const med = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
  return { k, step_ms: med(a), loop_step_ms: med(b) };
}

main().then((r) => console.log(JSON.stringify(r))).catch((e) => {
  console.error(e);
  process.exit(1);
});
