// `npm run bench:import`: one SGD step of an imported model against PyTorch doing the same. PyTorch
// exports its ResNet-style network (bench/peers/pytorch_resnet_step.py) with the TorchScript
// exporter; the project imports that file and times a step of its derived training graph at batch
// 32; PyTorch times the same step on the module in eval() mode (contiguous and channels_last).
// Interleaved rounds, each measurement in a fresh process; medians and ratios; the CPU named beside
// them. Results go to stdout and to bench/results/import-<timestamp>.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { cpuInfo, describeCpu } from './cpu-info';
import { median } from './median';
import { Json, measureProcess, ROOT } from './measure-process';

const args = yargs(hideBin(process.argv))
  .options({
    rounds: { type: 'number', default: 3, describe: 'interleaved rounds' },
    threads: { type: 'number', default: 2, describe: 'threads for both' },
    batch: { type: 'number', default: 32, describe: 'samples per step' },
    python: { type: 'string', default: process.env.BENCH_PYTHON ?? 'python3', describe: 'the Python whose PyTorch is the peer ($BENCH_PYTHON)' },
  })
  .strict()
  .parseSync();

const run = measureProcess;

const peer = join(ROOT, 'bench/peers/pytorch_resnet_step.py');
const file = join(mkdtempSync(join(tmpdir(), 'bench-import-')), 'resnet-style.onnx');
const exported = run(args.python, [peer, 'export', file]);
const common = ['--threads', String(args.threads), '--batch', String(args.batch)];
const systems = {
  project: () => run(process.execPath, ['--import', 'tsx', 'bench/project-imported.ts', 'steps', file, String(args.threads), String(args.batch)]),
  pytorch: () => run(args.python, [peer, 'steps', ...common]),
  'pytorch channels_last': () => run(args.python, [peer, 'steps', ...common, '--channels-last']),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
const rss: Record<string, number[]> = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
const load = [loadavg()[0]];
for (let round = 0; round < args.rounds; round++) {
  for (const [name, measure] of Object.entries(systems)) {
    const r = measure();
    times[name].push(r.step_ms as number);
    rss[name].push(r.peak_rss_mb as number);
  }
}
load.push(loadavg()[0]);
const profile = run(process.execPath, ['--import', 'tsx', 'bench/project-imported.ts', 'profile', file, String(args.threads), String(args.batch)]);

const cpu = cpuInfo();
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const best = Math.min(med.pytorch, med['pytorch channels_last']);
console.log(`CPU: ${describeCpu(cpu)}; ${args.threads} threads; load average ${load.map((l) => l.toFixed(1)).join(' -> ')}`);
console.log(`ResNet-style network (${(exported.parameters as number).toLocaleString('en-US')} parameters), exported by PyTorch, one SGD step at batch ${args.batch}; medians of ${args.rounds} rounds:`);
for (const [name, ms] of Object.entries(med)) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  (rounds ${times[name].map((t) => t.toFixed(1)).join(', ')}; peak RSS ${median(rss[name]).toFixed(0)} MB)`);
console.log(`  project / PyTorch's best: x${(med.project / best).toFixed(2)}`);
const byOp = Object.entries(profile.ms_per_step_by_op as Record<string, number>).sort((a, b) => b[1] - a[1]).slice(0, 8);
console.log(`  where the project's step goes (ms of kernels per step): ${byOp.map(([op, ms]) => `${op} ${ms.toFixed(1)}`).join(', ')}`);
const out = join(ROOT, 'bench/results', `import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(out, JSON.stringify({ cpu, threads: args.threads, batch: args.batch, load, times, rss, medians: med, ratio: med.project / best, profile }, null, 1));
console.log(`wrote ${out}`);
