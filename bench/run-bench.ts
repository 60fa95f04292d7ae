// `npm run bench`: this project against PyTorch (CPU) and TF.js on the same machine, in the same
// invocation, interleaved round by round (A B A B ...), medians and ratios. Each measurement runs
// in a fresh process. Results go to stdout as a table and to bench/results/<timestamp>.json.
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_INFERENCE_BATCH } from '../src/inference/inference-batch';
import { cpuInfo, describeCpu } from './cpu-info';
import { median } from './median';

const ROOT = resolve(__dirname, '..');

const args = yargs(hideBin(process.argv))
  .options({
    rounds: { type: 'number', default: 3, describe: 'interleaved rounds per measurement' },
    threads: { type: 'number', default: 2, describe: 'threads for every system' },
    'tfjs-train': { type: 'boolean', default: false, describe: 'also time TF.js training steps (minutes per step)' },
    profile: { type: 'boolean', default: true, describe: 'per-op breakdown of the training step' },
    'steps-per-run': { type: 'string', default: '1,10,100', describe: 'K values for the ONNX Loop of K steps per run ("" to skip)' },
    python: { type: 'string', default: process.env.BENCH_PYTHON ?? '/usr/bin/python3', describe: 'the Python whose PyTorch is the peer ($BENCH_PYTHON)' },
    webgpu: { type: 'boolean', default: false, describe: 'also time WebGPU steps with the parameters kept in GPU memory vs copied through the host (needs an adapter; slow on a software one)' },
    'time-to-99': { type: 'boolean', default: true, describe: 'time --recipe fast to 99% validation accuracy, and PyTorch with the same recipe' },
  })
  .strict()
  .parseSync();
const PYTHON = args.python;
/** Small: a software adapter takes about a second per step at batch 10. */
const WEBGPU_BATCH = 10;

type Json = Record<string, unknown>;
/** The JSON line a measurement process prints, plus `process_s`: the wall clock of the whole process (start-up included). */
function run(cmd: string, argv: string[], timeoutS = 900): Json | undefined {
  const t = performance.now();
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', timeout: timeoutS * 1000, env: process.env });
  const processS = (performance.now() - t) / 1000;
  const line = r.stdout?.trim().split('\n').pop();
  try {
    return line ? { ...(JSON.parse(line) as Json), process_s: processS } : undefined;
  } catch {
    process.stderr.write(`${cmd} ${argv.join(' ')} failed: ${r.stderr?.split('\n').slice(-3).join(' ')}\n`);
    return undefined;
  }
}
const project = (mode: string, variant = '') => run(process.execPath, ['--import', 'tsx', 'bench/project-lenet.ts', mode, String(args.threads), variant]);
/** The peer scores in the project's inference batch (evaluate's); its threads are ours. */
const PEER_COMMON = ['--threads', String(args.threads), '--infer-batch', String(DEFAULT_INFERENCE_BATCH)];
const torch = (mode: string, channelsLast: boolean, extra: string[] = []) =>
  run(PYTHON, ['bench/peers/pytorch_lenet.py', mode, ...PEER_COMMON, ...(channelsLast ? ['--channels-last'] : []), ...extra]);
const tfjs = (mode: string) => run(process.execPath, ['--import', 'tsx', 'bench/peers/tfjs-lenet.ts', mode], 3600);

/** The fast recipe: batch 50, lr 0.15, validation every 200 steps, stop at 98%. Wall-clock of the whole `train` process. */
export const FAST_RECIPE = ['--batch-size', '50', '--lr', '0.15', '--val-every', '200steps', '--stop-at-accuracy', '0.98'];
function timeTo98(): { wall_s: number; steps?: number } | undefined {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', ...FAST_RECIPE, '--artifacts', join(tmpdir(), `bench-t98-${process.pid}`), '--threads', String(args.threads), '--no-progress'], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const wall = (performance.now() - t) / 1000;
  const m = /reached --stop-at-accuracy 0.98 at epoch (\d+), step (\d+)/.exec(r.stdout ?? '');
  return m ? { wall_s: wall } : undefined;
}

/** `--recipe fast` (AdamW, one-cycle to 6e-3, batch 128) to 99%, validating every 100 steps: whole-process wall clock. */
export const RECIPE_99 = ['--recipe', 'fast', '--val-every', '100steps', '--stop-at-accuracy', '0.99'];
function timeTo99(): number | undefined {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', ...RECIPE_99, '--artifacts', join(tmpdir(), `bench-t99-${process.pid}-${t}`), '--threads', String(args.threads), '--no-progress'], { cwd: ROOT, encoding: 'utf8', env: process.env });
  const wall = (performance.now() - t) / 1000;
  return /reached --stop-at-accuracy 0.99/.test(r.stdout ?? '') ? wall : undefined;
}
/** The same recipe in PyTorch (AdamW, OneCycleLR without momentum cycling): whole-process wall clock. */
function torchTo99(): number | undefined {
  const t = performance.now();
  const r = run(PYTHON, ['bench/peers/pytorch_lenet.py', 'to-accuracy', ...PEER_COMMON, '--optimizer', 'adamw', '--lr', '6e-3', '--lr-schedule', 'onecycle', '--batch-size', '128', '--epochs', '2', '--val-every', '100', '--target', '0.99']);
  return r?.reached ? (performance.now() - t) / 1000 : undefined;
}

const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
let hasTfjs = true;
try {
  require.resolve('@tensorflow/tfjs-core');
} catch {
  hasTfjs = false;
}
if (!hasTorch) console.error(`PyTorch peer skipped: no torch for ${PYTHON} (python3 -m venv v && v/bin/pip install torch numpy, then --python v/bin/python)`);
const torchVersion = hasTorch ? spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim() : undefined;
if (!hasTfjs) console.error('TF.js peer skipped: `npm install` the devDependencies (@tensorflow/tfjs-*)');

const loopKs = args['steps-per-run'].split(',').filter((k) => k.trim() !== '').map(Number);
if (loopKs.some((k) => !Number.isInteger(k) || k < 1 || k > 100)) {
  console.error(`--steps-per-run takes integers 1-100 (the batches come from the 10,000 test images), got "${args['steps-per-run']}"`);
  process.exit(2);
}

const samples: Record<string, number[]> = {};
const add = (key: string, v: unknown) => {
  if (typeof v === 'number' && Number.isFinite(v)) (samples[key] ??= []).push(v);
};

const load = [loadavg()[0]];
for (let round = 1; round <= args.rounds; round++) {
  process.stderr.write(`round ${round}/${args.rounds}\n`);
  const p = project('epoch');
  add('project.epoch_s', p?.epoch_s);
  add('project.epoch_process_s', p?.process_s);
  add('project.rss_mb', p?.peak_rss_mb);
  add('project.step_ms', project('steps')?.step_ms);
  add('project.infer', project('infer')?.images_per_s);
  add('project_spin.infer', project('infer', 'spinning')?.images_per_s);
  add('project.latency_us', project('latency')?.us_per_image);
  add('project_spin.latency_us', project('latency', 'spinning')?.us_per_image);
  add('project.t98_s', timeTo98()?.wall_s);
  if (args['time-to-99']) {
    add('project.t99_s', timeTo99());
    if (hasTorch) add('torch.t99_s', torchTo99());
  }
  if (hasTorch) {
    for (const cl of [false, true]) {
      const tag = cl ? 'torch_cl' : 'torch';
      const e = torch('epoch', cl);
      add(`${tag}.epoch_s`, e?.epoch_s);
      add(`${tag}.epoch_process_s`, e?.process_s);
      add(`${tag}.step_ms`, torch('steps', cl)?.step_ms);
      add(`${tag}.infer`, torch('infer', cl)?.images_per_s);
      add(`${tag}.latency_us`, torch('infer', cl, ['--infer-batch', '1'])?.us_per_image);
    }
  }
  if (hasTfjs) add('tfjs.infer', tfjs('infer')?.images_per_s);
  for (const k of loopKs) {
    const r = project('loop', String(k));
    add(`loop${k}.single_ms`, r?.step_ms);
    add(`loop${k}.loop_ms`, r?.loop_step_ms);
    if (r) add(`loop${k}.ratio`, (r.loop_step_ms as number) / (r.step_ms as number));
  }
  if (args.webgpu) {
    const r = project('webgpu', String(WEBGPU_BATCH));
    add('webgpu.resident_ms', r?.resident_step_ms);
    add('webgpu.copied_ms', r?.copied_step_ms);
    add('webgpu.ratio', r?.copied_over_resident);
    add('webgpu.copy_out_ms', r?.copy_out_ms);
  }
  load.push(loadavg()[0]);
}
if (hasTfjs && args['tfjs-train']) add('tfjs.step_ms', tfjs('steps')?.step_ms);
const profile = args.profile ? project('profile') : undefined;

const m = (k: string) => median(samples[k]);
const torchBest = {
  epoch_s: Math.min(m('torch.epoch_s'), m('torch_cl.epoch_s')),
  epoch_process_s: Math.min(m('torch.epoch_process_s'), m('torch_cl.epoch_process_s')),
  step_ms: Math.min(m('torch.step_ms'), m('torch_cl.step_ms')),
  infer: Math.max(m('torch.infer'), m('torch_cl.infer')),
  latency_us: Math.min(m('torch.latency_us'), m('torch_cl.latency_us')),
};
// ~13 MFLOP per sample per training step (forward + backward), at the measured 349 GFLOP/s peak.
const FLOOR_EPOCH_S = (60000 * 13e6) / 349e9;
const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const rows = [
  ['this project (onnxruntime-node)', fmt(m('project.step_ms')), fmt(m('project.epoch_s')), fmt(m('project.epoch_process_s')), fmt(60000 / m('project.epoch_s'), 0), fmt(m('project.infer'), 0)],
  ['this project, inference with spinning threads', 'n/a', 'n/a', 'n/a', 'n/a', fmt(m('project_spin.infer'), 0)],
  [`PyTorch ${torchVersion ?? ''} CPU (contiguous)`, fmt(m('torch.step_ms')), fmt(m('torch.epoch_s')), fmt(m('torch.epoch_process_s')), fmt(60000 / m('torch.epoch_s'), 0), fmt(m('torch.infer'), 0)],
  [`PyTorch ${torchVersion ?? ''} CPU (channels_last)`, fmt(m('torch_cl.step_ms')), fmt(m('torch_cl.epoch_s')), fmt(m('torch_cl.epoch_process_s')), fmt(60000 / m('torch_cl.epoch_s'), 0), fmt(m('torch_cl.infer'), 0)],
  ['TF.js 4.22 (train: cpu backend, infer: wasm)', fmt(m('tfjs.step_ms')), 'n/a', 'n/a', 'n/a', fmt(m('tfjs.infer'), 0)],
];
const ratios = {
  time_to_98_s: m('project.t98_s'),
  time_to_99_s: m('project.t99_s'),
  time_to_99_vs_pytorch: m('project.t99_s') / m('torch.t99_s'),
  epoch_vs_pytorch_best: m('project.epoch_s') / torchBest.epoch_s,
  epoch_process_vs_pytorch_best: m('project.epoch_process_s') / torchBest.epoch_process_s,
  inference_vs_pytorch_best: m('project.infer') / torchBest.infer,
  inference_spinning_vs_pytorch_best: m('project_spin.infer') / torchBest.infer,
  /** Above 1: the project answers one image faster than PyTorch's best. */
  latency_speedup_vs_pytorch_best: torchBest.latency_us / m('project.latency_us'),
  latency_spinning_speedup_vs_pytorch_best: torchBest.latency_us / m('project_spin.latency_us'),
  floor_fraction: FLOOR_EPOCH_S / m('project.epoch_s'),
};
console.log(`\nPyTorch: ${torchVersion ?? 'not found'} (${PYTHON})`);
const cpu = cpuInfo();
console.log(`CPU: ${describeCpu(cpu)}`);
console.log(`${args.threads} threads each, ${args.rounds} interleaved rounds, medians; load average ${load.map((l) => l.toFixed(2)).join(' -> ')}\n`);
console.log('| system | train step @100 (ms) | epoch (s) | epoch, whole process (s) | samples/s | inference (img/s) |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(
  `\nproject / PyTorch best: epoch time x${fmt(ratios.epoch_vs_pytorch_best, 2)} (whole process x${fmt(ratios.epoch_process_vs_pytorch_best, 2)}), inference throughput x${fmt(ratios.inference_vs_pytorch_best, 2)} ` +
    `(x${fmt(ratios.inference_spinning_vs_pytorch_best, 2)} with spinning threads)`,
);
console.log(
  `inference latency, one image per run: project ${fmt(m('project.latency_us'))} us (spinning threads ${fmt(m('project_spin.latency_us'))} us), ` +
    `PyTorch ${fmt(m('torch.latency_us'))} us (channels_last ${fmt(m('torch_cl.latency_us'))} us): ` +
    `x${fmt(ratios.latency_speedup_vs_pytorch_best, 2)} PyTorch's best speed (x${fmt(ratios.latency_spinning_speedup_vs_pytorch_best, 2)} spinning)`,
);
console.log(`physical floor (13 MFLOP/sample at 349 GFLOP/s): ${fmt(FLOOR_EPOCH_S)} s/epoch; this project reaches ${fmt(100 * ratios.floor_fraction)}% of it`);
console.log(`time to 98% validation accuracy (train ${FAST_RECIPE.join(' ')}, whole process): ${fmt(m('project.t98_s'))} s`);
if (args['time-to-99']) {
  console.log(
    `time to 99% validation accuracy (train ${RECIPE_99.join(' ')}, whole process): ${fmt(m('project.t99_s'))} s; ` +
      `PyTorch ${torchVersion ?? 'n/a'} with the same recipe: ${fmt(m('torch.t99_s'))} s (x${fmt(ratios.time_to_99_vs_pytorch, 2)})`,
  );
}
console.log(`peak RSS of a training process: ${fmt(m('project.rss_mb'), 0)} MB`);
if (loopKs.length) {
  console.log(`\nK steps per run (--steps-per-run K: an ONNX Loop) vs one step per run, batch 100, same process, alternating blocks:`);
  console.log('| K | one step per run (ms/step) | K steps per run (ms/step) | ratio |');
  console.log('|---|---|---|---|');
  for (const k of loopKs) console.log(`| ${k} | ${fmt(m(`loop${k}.single_ms`), 2)} | ${fmt(m(`loop${k}.loop_ms`), 2)} | x${fmt(m(`loop${k}.ratio`), 3)} |`);
}
if (profile) {
  const byOp = profile.ms_per_step_by_op as Record<string, number>;
  const total = Object.values(byOp).reduce((a, b) => a + b, 0);
  console.log(`\nwhere a training step's time goes (ORT profiler, ${args.threads} threads, ${fmt(total)} ms of kernels per step):`);
  for (const [op, ms] of Object.entries(byOp).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${op.padEnd(16)} ${fmt(ms, 2)} ms  ${fmt((100 * ms) / total)}%`);
}
if (args.webgpu) {
  console.log(`\nWebGPU, batch ${WEBGPU_BATCH}: parameters and optimizer state kept in GPU memory between steps vs copied to the host and back (same process, alternating blocks):`);
  console.log(`  ${fmt(m('webgpu.resident_ms'), 1)} ms/step kept, ${fmt(m('webgpu.copied_ms'), 1)} ms/step copied: x${fmt(m('webgpu.ratio'), 3)}; one copy of them to the host takes ${fmt(m('webgpu.copy_out_ms'), 2)} ms`);
}
const out = join(ROOT, 'bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(out, `${JSON.stringify({ machine: { ...cpu, load }, torch: torchVersion, threads: args.threads, rounds: args.rounds, samples, ratios, profile }, null, 2)}\n`);
console.log(`\nwrote ${out}`);
