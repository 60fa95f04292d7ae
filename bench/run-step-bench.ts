// `npm run bench:import` and `npm run bench:cnn`: one SGD step against PyTorch doing the same.
// --network resnet (bench:import) or mobilenet: PyTorch exports its ResNet-style or
// MobileNetV2-style network (bench/peers/pytorch_<network>_step.py) with the TorchScript exporter;
// the project imports that file and times a step of its derived training graph (batch 32 and 64);
// PyTorch times the same step on the module in eval() mode. With --source dsl the project times
// the same network written with its DSL (bench/networks: batch norm on batch statistics) and
// PyTorch its module in train() mode. --network cnn (bench:cnn): the project's own cnn (batch norm
// on batch statistics, dropout) and bench/peers/pytorch_cnn_step.py, the same network in train()
// mode, at batch 128. PyTorch runs contiguous and channels_last. Interleaved rounds, each
// measurement in a fresh process; medians and ratios; the CPU named beside them. Results go to
// stdout and to bench/results/<network>-<timestamp>.json.
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
    network: { choices: ['resnet', 'mobilenet', 'cnn'] as const, default: 'resnet' as const, describe: 'an imported ResNet- or MobileNetV2-style network, or the project\'s cnn' },
    source: { choices: ['import', 'dsl'] as const, default: 'import' as const, describe: 'resnet and mobilenet: imported from PyTorch, or written with the DSL (bench/networks)' },
    batch: { type: 'number', describe: 'samples per step (default: 32 for resnet, 64 for mobilenet, 128 for cnn)' },
    python: { type: 'string', default: process.env.BENCH_PYTHON ?? 'python3', describe: 'the Python whose PyTorch is the peer ($BENCH_PYTHON)' },
  })
  .strict()
  .parseSync();

const run = measureProcess;

const batch = args.batch ?? { resnet: 32, mobilenet: 64, cnn: 128 }[args.network];
const imported = args.network !== 'cnn' && args.source === 'import';
const dsl = args.network !== 'cnn' && args.source === 'dsl';
const peer = join(ROOT, `bench/peers/pytorch_${args.network}_step.py`);
const file = imported ? join(mkdtempSync(join(tmpdir(), 'bench-import-')), `${args.network}-style.onnx`) : dsl ? `${args.network}-style` : 'cnn';
const parameters = imported ? (run(args.python, [peer, 'export', file]).parameters as number) : undefined;
const common = ['--threads', String(args.threads), '--batch', String(batch), ...(dsl ? ['--train-mode'] : [])];
const project = (mode: string) => run(process.execPath, ['--import', 'tsx', 'bench/project-step.ts', mode, file, String(args.threads), String(batch)]);
const systems = {
  project: () => project('steps'),
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
const profile = project('profile');

const cpu = cpuInfo();
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const best = Math.min(med.pytorch, med['pytorch channels_last']);
console.log(`CPU: ${describeCpu(cpu)}; ${args.threads} threads; load average ${load.map((l) => l.toFixed(1)).join(' -> ')}`);
const names = { resnet: 'ResNet-style network', mobilenet: 'MobileNetV2-style network', cnn: 'the cnn (batch norm on batch statistics, dropout),' };
const what = imported ? `${names[args.network]} (${parameters!.toLocaleString('en-US')} parameters), exported by PyTorch,`
  : dsl ? `${names[args.network]} written with the DSL (batch norm on batch statistics; PyTorch in train() mode),` : names.cnn;
console.log(`${what} one SGD step at batch ${batch}; medians of ${args.rounds} rounds:`);
for (const [name, ms] of Object.entries(med)) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  (rounds ${times[name].map((t) => t.toFixed(1)).join(', ')}; peak RSS ${median(rss[name]).toFixed(0)} MB)`);
console.log(`  project / PyTorch's best: x${(med.project / best).toFixed(2)}`);
const byOp = Object.entries(profile.ms_per_step_by_op as Record<string, number>).sort((a, b) => b[1] - a[1]).slice(0, 8);
console.log(`  where the project's step goes (ms of kernels per step): ${byOp.map(([op, ms]) => `${op} ${ms.toFixed(1)}`).join(', ')}`);
const out = join(ROOT, 'bench/results', `${args.network}${dsl ? '-dsl' : ''}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(out, JSON.stringify({ cpu, network: args.network, source: args.network === 'cnn' ? 'dsl' : args.source, threads: args.threads, batch, load, times, rss, medians: med, ratio: med.project / best, profile }, null, 1));
console.log(`wrote ${out}`);
