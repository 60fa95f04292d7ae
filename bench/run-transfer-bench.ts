// `npm run bench:transfer`: transfer learning against PyTorch doing the same. PyTorch trains a small
// CNN on MNIST's digits 0-4 and exports it (bench/peers/pytorch_transfer.py); both then train a new
// 5-class head after its convolutions on 500 pictures per digit 5-9 (a fifth of each held out, the
// same split for both), the backbone frozen: through the whole network at every step, and on
// features computed once. Interleaved rounds, each measurement in a fresh process; medians, ratios
// and held-out accuracies; the CPU named beside them. Results go to stdout and to
// bench/results/transfer-<timestamp>.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { Dataset, datasets } from '../src/index';
import { cpuInfo, describeCpu } from './cpu-info';
import { median } from './median';
import { Json, measureProcess, ROOT } from './measure-process';

const args = yargs(hideBin(process.argv))
  .options({
    rounds: { type: 'number', default: 3, describe: 'interleaved rounds' },
    threads: { type: 'number', default: 2, describe: 'threads for both' },
    python: { type: 'string', default: process.env.BENCH_PYTHON ?? 'python3', describe: 'the Python whose PyTorch is the peer ($BENCH_PYTHON)' },
    'data-dir': { type: 'string', default: process.env.MNIST_DIR ?? join(ROOT, 'data/mnist'), describe: 'MNIST\'s folder' },
  })
  .strict()
  .parseSync();

const run = measureProcess;

/** count (uint32 LE), pixels, labels: what both sides read. */
function writeSet(d: Dataset, path: string): void {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(d.images.count);
  writeFileSync(path, Buffer.concat([head, d.images.pixels, d.labels]));
}

async function main() {
  const mnist = await datasets.mnist({ dir: args['data-dir'] });
  const picked: number[] = [];
  const taken = new Array<number>(10).fill(0);
  for (let i = 0; i < mnist.images.count; i++) if (mnist.labels[i] >= 5 && taken[mnist.labels[i]]++ < 500) picked.push(i);
  const pixels = new Uint8Array(picked.length * 784);
  picked.forEach((s, i) => pixels.set(mnist.images.pixels.subarray(s * 784, (s + 1) * 784), i * 784));
  const all = datasets.fromArrays({ name: 'digits 5-9', pixels, rows: 28, cols: 28, labels: Uint8Array.from(picked, (s) => mnist.labels[s] - 5) });
  const { train, validation } = datasets.split(all, 0.2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-transfer-'));
  const [trainFile, heldFile, onnx, state] = ['train.bin', 'held.bin', 'backbone.onnx', 'backbone.pt'].map((f) => join(dir, f));
  writeSet(train, trainFile);
  writeSet(validation, heldFile);
  const peer = join(ROOT, 'bench/peers/pytorch_transfer.py');
  run(args.python, [peer, 'backbone', args['data-dir'], onnx, state]);
  const t = String(args.threads);
  const systems: Record<string, () => Json> = {
    'project, whole graph': () => run(process.execPath, ['--import', 'tsx', 'bench/project-transfer.ts', onnx, trainFile, heldFile, t, 'whole']),
    'project, cached features': () => run(process.execPath, ['--import', 'tsx', 'bench/project-transfer.ts', onnx, trainFile, heldFile, t, 'cached']),
    'pytorch, whole network': () => run(args.python, [peer, 'finetune', state, trainFile, heldFile, t, 'whole']),
    'pytorch, cached features': () => run(args.python, [peer, 'finetune', state, trainFile, heldFile, t, 'cached']),
  };
  const seconds: Record<string, number[]> = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
  const accuracy: Record<string, number[]> = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
  const rss: Record<string, number[]> = Object.fromEntries(Object.keys(systems).map((k) => [k, []]));
  const load = [loadavg()[0]];
  for (let round = 0; round < args.rounds; round++) {
    for (const [name, measure] of Object.entries(systems)) {
      const r = measure();
      seconds[name].push(r.seconds as number);
      accuracy[name].push(r.held_out_accuracy as number);
      rss[name].push(r.peak_rss_mb as number);
    }
  }
  load.push(loadavg()[0]);
  const cpu = cpuInfo();
  const med = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, median(v)]));
  console.log(`CPU: ${describeCpu(cpu)}; ${args.threads} threads; load average ${load.map((l) => l.toFixed(1)).join(' -> ')}`);
  console.log(`new 5-class head after the convolutions of a CNN PyTorch trained on digits 0-4; ${train.images.count} pictures of digits 5-9, ${validation.images.count} held out; AdamW lr 0.01, batch 100, 30 epochs; medians of ${args.rounds} rounds:`);
  for (const [name, s] of Object.entries(med)) {
    console.log(`  ${name.padEnd(26)} ${s.toFixed(2).padStart(6)} s  held out ${median(accuracy[name]).toFixed(4)}  (rounds ${seconds[name].map((x) => x.toFixed(2)).join(', ')}; peak RSS ${median(rss[name]).toFixed(0)} MB)`);
  }
  console.log(`  project / PyTorch: whole x${(med['project, whole graph'] / med['pytorch, whole network']).toFixed(2)}, cached x${(med['project, cached features'] / med['pytorch, cached features']).toFixed(2)}; cached features speed the project up x${(med['project, whole graph'] / med['project, cached features']).toFixed(2)}`);
  const out = join(ROOT, 'bench/results', `transfer-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(out, JSON.stringify({ cpu, threads: args.threads, load, seconds, accuracy, rss, medians: med }, null, 1));
  console.log(`wrote ${out}`);
}

main();
