// `npm run bench:train`: `train` as a user runs it, against PyTorch doing the same
// (bench/peers/pytorch_train.py), each run a fresh process timed as a whole (start-up, data loading
// and graph building included; PyTorch's import too).
// - epoch: one epoch of --model (default cnn) with --recipe (default fast: AdamW, one-cycle to
//   6e-3, batch 128; tutorial: SGD 0.03, batch 100), against PyTorch contiguous and channels_last;
//   interleaved rounds, medians, ratios.
// - memory (--memory): the peak RSS of training LeNet and the cnn at batches of 100, 1,000 and
//   10,000 (three steps each), beside PyTorch's at the same batch and the estimate `train` refuses
//   large batches by (`trainingMemory`, at the micro-batch `train` then uses: LeNet's batches over
//   1,000 run in micro-batches of 1,000; PyTorch always runs the whole batch).
// The peak RSS comes from GNU time (/usr/bin/time); without it the table says so. Results go to
// stdout and to bench/results/train-<timestamp>.json, with the CPU named.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { MODEL_DEFINITIONS } from '../model/registry';
import { defaultMicroBatch, trainingMemory } from '../src/index';
import { cpuInfo, describeCpu } from './cpu-info';
import { median } from './median';
import { ROOT } from './measure-process';

const args = yargs(hideBin(process.argv))
  .options({
    rounds: { type: 'number', default: 3, describe: 'interleaved rounds (epoch)' },
    threads: { type: 'number', default: 2, describe: 'threads for both' },
    model: { choices: ['lenet', 'cnn'] as const, default: 'cnn' as const, describe: 'the model of the epoch comparison' },
    recipe: { choices: ['fast', 'tutorial'] as const, default: 'fast' as const, describe: 'the recipe of the epoch comparison' },
    memory: { type: 'boolean', default: false, describe: 'measure the peak-RSS table instead of the epoch' },
    python: { type: 'string', default: process.env.BENCH_PYTHON ?? 'python3', describe: 'the Python whose PyTorch is the peer ($BENCH_PYTHON)' },
    'data-dir': { type: 'string', default: process.env.MNIST_DIR ?? join(ROOT, 'data/mnist'), describe: 'MNIST\'s folder' },
  })
  .strict()
  .parseSync();

const GNU_TIME = '/usr/bin/time';
const RECIPES = {
  fast: { project: ['--recipe', 'fast'], pytorch: ['--optimizer', 'adamw', '--lr', '6e-3', '--lr-schedule', 'onecycle', '--batch-size', '128'] },
  tutorial: { project: ['--recipe', 'tutorial'], pytorch: ['--optimizer', 'sgd', '--lr', '0.03', '--batch-size', '100'] },
};

interface Timed {
  ok: boolean;
  wall_s: number;
  peak_rss_mb?: number;
  /** The last line on stdout (the peer's JSON), or the last line on stderr when it failed. */
  last: string;
}

/** One whole process: its wall clock and (with GNU time) its peak RSS. */
function timed(cmd: string, argv: string[]): Timed {
  const withTime = existsSync(GNU_TIME);
  const t = performance.now();
  const r = withTime
    ? spawnSync(GNU_TIME, ['-f', 'peak-rss-kb %M', cmd, ...argv], { cwd: ROOT, encoding: 'utf8', timeout: 1_800_000, env: { ...process.env, MNIST_DIR: args['data-dir'] } })
    : spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', timeout: 1_800_000, env: { ...process.env, MNIST_DIR: args['data-dir'] } });
  const wall_s = (performance.now() - t) / 1000;
  const rss = /peak-rss-kb (\d+)/.exec(r.stderr ?? '');
  const errors = (r.stderr ?? '').split('\n').filter((l) => l && !l.startsWith('peak-rss-kb') && !/^Command exited/.test(l));
  return {
    ok: r.status === 0,
    wall_s,
    ...(rss ? { peak_rss_mb: Number(rss[1]) / 1024 } : {}),
    last: r.status === 0 ? (r.stdout ?? '').trim().split('\n').pop() ?? '' : errors.pop() ?? `exit ${r.status}`,
  };
}

const artifacts = mkdtempSync(join(tmpdir(), 'bench-train-'));
const peer = join(ROOT, 'bench/peers/pytorch_train.py');
const t = String(args.threads);
const projectTrain = (model: string, flags: string[]) =>
  timed(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', '--model', model, '--artifacts', artifacts, '--data-dir', args['data-dir'], '--threads', t, '--no-progress', ...flags]);
const pytorch = (mode: string, model: string, flags: string[]) => timed(args.python, [peer, mode, '--model', model, '--threads', t, '--data-dir', args['data-dir'], ...flags]);
const mb = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(0)} MB`);

function epochs() {
  const recipe = RECIPES[args.recipe];
  // The graphs are built once beforehand, as after a user's first run.
  projectTrain(args.model, [...recipe.project, '--epochs', '1', '--limit', '1000']);
  const systems: Record<string, () => Timed> = {
    project: () => projectTrain(args.model, [...recipe.project, '--epochs', '1']),
    pytorch: () => pytorch('epoch', args.model, recipe.pytorch),
    'pytorch channels_last': () => pytorch('epoch', args.model, [...recipe.pytorch, '--channels-last']),
  };
  const runs: Record<string, Timed[]> = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
  for (let round = 0; round < args.rounds; round++) {
    for (const [name, measure] of Object.entries(systems)) {
      const r = measure();
      if (!r.ok) throw new Error(`${name}: ${r.last}`);
      runs[name].push(r);
    }
  }
  const wall = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.map((r) => r.wall_s))]));
  const best = Math.min(wall.pytorch, wall['pytorch channels_last']);
  console.log(`one epoch of ${args.model}, recipe ${args.recipe}, whole process (medians of ${args.rounds}):`);
  for (const [name, rs] of Object.entries(runs)) {
    const rss = rs.every((r) => r.peak_rss_mb !== undefined) ? median(rs.map((r) => r.peak_rss_mb!)) : undefined;
    console.log(`  ${name.padEnd(24)} ${wall[name].toFixed(1).padStart(6)} s  (rounds ${rs.map((r) => r.wall_s.toFixed(1)).join(', ')}; peak RSS ${mb(rss)})`);
  }
  console.log(`project / PyTorch's best: x${(wall.project / best).toFixed(2)}`);
  return { model: args.model, recipe: args.recipe, runs, medians: wall, ratio: wall.project / best };
}

function memory() {
  const rows: Json[] = [];
  console.log('peak RSS of training, three steps at each batch (MB); the estimate is what `train` checks a batch against:');
  console.log('| model | batch | micro-batch | project | PyTorch | PyTorch channels_last | estimate | estimate / project |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const model of ['lenet', 'cnn'] as const) {
    for (const batch of [100, 1000, 10000]) {
      const microBatch = defaultMicroBatch({}, MODEL_DEFINITIONS[model], batch);
      const estimate = trainingMemory(MODEL_DEFINITIONS[model], microBatch ?? batch) / 2 ** 20;
      const limit = String(Math.min(60000, 3 * batch));
      const project = projectTrain(model, ['--batch-size', String(batch), '--limit', limit, '--epochs', '1', '--lr', '0.01']);
      const flags = ['--batch-size', String(batch)];
      const [plain, channelsLast] = [pytorch('memory', model, flags), pytorch('memory', model, [...flags, '--channels-last'])];
      const show = (r: Timed) => (r.ok ? mb(r.peak_rss_mb).replace(' MB', '') : `refused: ${r.last}`);
      const ratio = project.ok && project.peak_rss_mb ? (estimate / project.peak_rss_mb).toFixed(2) : '';
      console.log(`| ${model} | ${batch} | ${microBatch ?? 'whole batch'} | ${show(project)} | ${show(plain)} | ${show(channelsLast)} | ${estimate.toFixed(0)} | ${ratio} |`);
      rows.push({ model, batch, micro_batch: microBatch ?? batch, project, pytorch: plain, pytorch_channels_last: channelsLast, estimate_mb: estimate });
    }
  }
  console.log(`(this machine: ${(totalmem() / 2 ** 30).toFixed(1)} GiB)`);
  return { rows };
}

type Json = Record<string, unknown>;

const cpu = cpuInfo();
const load = [loadavg()[0]];
console.log(`CPU: ${describeCpu(cpu)}; ${args.threads} threads${existsSync(GNU_TIME) ? '' : '; no GNU time (/usr/bin/time): peak RSS not measured'}`);
const result = args.memory ? memory() : epochs();
load.push(loadavg()[0]);
console.log(`load average ${load.map((l) => l.toFixed(1)).join(' -> ')}`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results', `train-${args.memory ? 'memory' : args.model}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ cpu, threads: args.threads, load, ...result }, null, 1));
console.log(`results: ${out}`);
