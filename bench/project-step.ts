// This project's side of `npm run bench:import` and `npm run bench:cnn`, one measurement per
// process: a model (an ONNX file, imported; a built-in model or a network of bench/networks by
// name), one SGD step of its
// derived training graph at the given batch (median of 40, after 10 warm-up steps, learning rate 0
// so that the weights stay put). Prints one JSON object.
// Modes: steps (the median), profile (also the milliseconds per step by ONNX op).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importModel } from '../src/import/import-model';
import { MODEL_DEFINITIONS } from '../model/registry';
import { BENCH_NETWORKS } from './networks';
import { encodeModel } from '../src/onnx/encode';
import { nativeEngine } from '../src/training/engines/native-engine';
import { initParams } from '../src/training/graphs/init';
import { PLAIN_SGD } from '../src/training/graphs/optimizers/optimizer';
import { buildTrainingStep } from '../src/training/graphs/step-graph';

const [mode, model, threads = '2', batchArg = '32'] = process.argv.slice(2);
const batch = Number(batchArg);

async function main() {
  const def = model.endsWith('.onnx') ? importModel(model) : (MODEL_DEFINITIONS[model as keyof typeof MODEL_DEFINITIONS] ?? BENCH_NETWORKS[model]);
  const step = encodeModel(buildTrainingStep(def));
  const x = new Float32Array(batch * def.sampleDims.reduce((a, d) => a * d, 1)).map((_, i) => ((i * 7919) % 255) / 255);
  const y = BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % 10));
  const prefix = join(tmpdir(), `step-profile-${process.pid}`);
  const session = { threads: Number(threads), ...(mode === 'profile' ? { profilePrefix: prefix } : {}) };
  const engine = await nativeEngine(def, step, initParams(def, 0), PLAIN_SGD, session);
  const lr = new Float32Array(1);
  for (let i = 0; i < 10; i++) await (await engine.run(x, y, 1, batch, lr, 0)).commit(1);
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    await (await engine.run(x, y, 1, batch, lr, 0)).commit(1);
    times.push(performance.now() - t);
  }
  await engine.release();
  times.sort((a, b) => a - b);
  const result = { step_ms: times[20], peak_rss_mb: process.resourceUsage().maxRSS / 1024 };
  if (mode !== 'profile') return result;
  const trace = readdirSync(tmpdir()).map((f) => join(tmpdir(), f)).find((f) => f.startsWith(prefix))!;
  const events = JSON.parse(readFileSync(trace, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  rmSync(trace);
  const byOp: Record<string, number> = {};
  for (const e of events) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) byOp[e.args!.op_name!] = (byOp[e.args!.op_name!] ?? 0) + e.dur / 1000 / 50;
  return { ...result, ms_per_step_by_op: byOp };
}

main().then((r) => console.log(JSON.stringify(r)));
