// Models exported by PyTorch's own exporters (TorchScript-based and dynamo-based) in the shapes of
// ResNet, MobileNetV2, SqueezeNet and a LayerNorm/GELU MLP, imported and trained here for a few
// steps: every trained tensor equals what torch.optim makes of the same module in eval() mode
// from the same weights and batch, and the exported file scores the batch as the updated module.
// Needs a Python with torch and onnx: skipped without one, except in CI (REQUIRE_TORCH).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets, evaluate, exportModel, importModel, ortTrainingEngine, train } from '../../src/index';
import { LOSS_NAMES, LossName } from '../../src/graph/model-definition';
import { decodeModel } from '../../src/onnx/decode';
import { pythonWith } from '../helpers/python';
import { f32, runOnce } from '../helpers/run-model';

const python = pythonWith(['torch', 'onnx']);
if (!python && process.env.REQUIRE_TORCH) throw new Error('REQUIRE_TORCH is set but no Python with torch and onnx was found (set ONNX_PYTHON)');
if (!python) console.warn('skipping the PyTorch parity tests: no Python with torch and onnx (set ONNX_PYTHON)');

interface Run {
  file: string;
  model: string;
  exporter: string;
  steps: number;
  optimizer: { name: 'sgd' | 'adamw'; learningRate: number; momentum?: number };
  pixels: number[];
  labels: number[];
  batchNorm: 'eval' | 'train';
  loss: LossName;
  /** Float targets per sample (absent: the labels are the targets). */
  targets?: number[];
  trained: Record<string, number[]>;
  statistics: Record<string, number[]>;
  scores: number[];
}

const dir = mkdtempSync(join(tmpdir(), 'torch-parity-'));
let runs: Run[] = [];
beforeAll(() => {
  if (!python) return;
  const r = spawnSync(python, [join(__dirname, 'torch-reference.py'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch-reference.py failed: ${r.stderr.slice(-2000)}`);
  runs = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')).runs;
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** max |a - b| over the largest |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const CASES = [
  ...['resnet', 'mobilenet', 'squeezenet', 'mlp'].flatMap((m) => ['torchscript', 'dynamo'].map((e) => [m, e, 'sgd', 'native'])),
  ['resnet', 'torchscript', 'sgd momentum', 'native'],
  ['mlp', 'dynamo', 'adamw', 'native'],
  // The generate_artifacts counterpart: the training-API artifacts made for the imported file, on ONNX Runtime's training API.
  ['resnet', 'torchscript', 'sgd', 'ort-training'],
  // Opset 13: LayerNormalization decomposed into ReduceMean, Sub, Pow, Sqrt, Div by the exporter.
  ['mlp', 'torchscript-opset13', 'sgd', 'native'],
  ['squeezenet', 'torchscript-opset13', 'sgd', 'native'],
  // Batch norm as PyTorch's train(): batch statistics, running statistics updated.
  ['resnet', 'torchscript', 'sgd, batch norm train', 'native'],
  // Batch norm after a depthwise convolution (the fused batch-norm rule through the grouped product's reshapes).
  ['mobilenet', 'torchscript', 'sgd, batch norm train', 'native'],
  // The other losses against the one-hot labels: MSELoss, L1Loss, BCEWithLogitsLoss.
  ['resnet', 'torchscript', 'sgd, mse', 'native'],
  ['resnet', 'torchscript', 'sgd, mse', 'ort-training'],
  ['squeezenet', 'torchscript', 'sgd, l1', 'native'],
  ['mobilenet', 'dynamo', 'sgd, bce', 'native'],
  // Float targets instead of labels (datasets.fromArrays({ targets })): a two-value regressor, multi-label targets.
  ['regressor', 'torchscript', 'sgd, targets, mse', 'native'],
  ['regressor', 'torchscript', 'sgd, targets, mse', 'ort-training'],
  ['regressor', 'dynamo', 'adamw, targets, l1', 'native'],
  ['resnet', 'torchscript', 'sgd momentum, targets, bce', 'native'],
];
const worst: string[] = [];
afterAll(() => worst.length && console.log(`largest difference from torch.optim, relative to each tensor's largest value:\n${worst.join('\n')}`));

(python ? describe : describe.skip)('models exported from PyTorch train as PyTorch trains them', () => {
  test.each(CASES)('%s (%s exporter), %s, %s engine', async (model, exporter, optimizer, engine) => {
    const batchNorm = optimizer.includes('batch norm train') ? 'train' : 'eval';
    const loss = LOSS_NAMES.find((l) => optimizer.endsWith(`, ${l}`)) ?? 'cross-entropy';
    const run = runs.find((r) => r.model === model && r.exporter === exporter && (r.optimizer.name === 'adamw') === optimizer.startsWith('adamw') && !!r.optimizer.momentum === optimizer.includes('momentum') && r.batchNorm === batchNorm && r.loss === loss && !!r.targets === optimizer.includes('targets'))!;
    const file = join(dir, run.file);
    const def = importModel(file, { batchNorm });
    const count = run.labels.length;
    const pixels = Uint8Array.from(run.pixels);
    const data = datasets.fromArrays({ name: 'batch', pixels, rows: 28, cols: 28, ...(run.targets ? { targets: Float32Array.from(run.targets) } : { labels: Uint8Array.from(run.labels) }) });
    // One step an epoch over the whole batch: the shuffled order changes nothing but the summation order.
    const { optimizer: o } = run;
    const trained = await train(def, data, {
      epochs: run.steps,
      batchSize: count,
      optimizer: { name: o.name, ...(o.momentum ? { momentum: o.momentum } : {}) },
      learningRate: o.learningRate,
      loss,
      engine: engine === 'ort-training' ? ortTrainingEngine(join(dir, `artifacts-${loss}`)) : undefined,
    });
    expect(trained.status).toBe('completed');
    const names = Object.keys(run.trained);
    expect(names.sort()).toEqual(def.params.map((p) => p.name).sort());
    const errors = names.map((n) => [n, relativeError(trained.params.get(n)!, run.trained[n])] as const);
    expect(errors.filter(([, e]) => !(e < 1e-4))).toEqual([]);
    worst.push(`  ${model} (${exporter}), ${optimizer}, ${engine}: ${Math.max(...errors.map(([, e]) => e)).toExponential(1)}`);
    // Running statistics: the means as PyTorch's; the variances move with the biased batch variance
    // (the project's batch norm), PyTorch's with the unbiased one: n / (n - 1) apart, n = N*H*W >= 256 here.
    const statistics = Object.keys(run.statistics);
    if (batchNorm === 'train') {
      expect(statistics.length).toBeGreaterThan(0);
      const errorOf = (name: string) => relativeError(trained.params.get(name)!, run.statistics[name]);
      for (const name of statistics) expect([name, errorOf(name) < (name.endsWith('running_var') ? 1e-3 : 1e-4)]).toEqual([name, true]);
      const largest = (suffix: string) => Math.max(...statistics.filter((n) => n.endsWith(suffix)).map(errorOf)).toExponential(1);
      worst.push(`    running means ${largest('running_mean')}, running variances ${largest('running_var')}`);
    } else {
      for (const name of statistics) expect(Array.from(trained.params.get(name) ?? [])).toEqual([]); // eval(): statistics are constants, not state
    }

    // The exported file: the original's graph, the trained values, the untouched tensors byte for byte.
    const bytes = exportModel(trained);
    const original = decodeModel(readFileSync(file), (location, offset, length) => readFileSync(join(dir, location)).subarray(offset, length === undefined ? undefined : offset + length));
    const exported = decodeModel(bytes);
    expect(exported.graph.nodes.map((n) => [n.opType, n.name])).toEqual(original.graph.nodes.map((n) => [n.opType, n.name]));
    expect(exported.opsets).toEqual(original.opsets);
    for (const t of original.graph.initializers) {
      const after = exported.graph.initializers.find((e) => e.name === t.name)!;
      if (!run.trained[t.name] && !(batchNorm === 'train' && run.statistics[t.name])) expect(Buffer.from(after.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    }
    const x = Float32Array.from(run.pixels, (p) => p / 255);
    const out = await runOnce(bytes, { input: f32([count, 1, 28, 28], x) });
    expect(relativeError(out.scores.data as Float32Array, run.scores)).toBeLessThan(batchNorm === 'train' ? 1e-3 : 1e-4);
    if (run.targets) {
      // evaluate() on target values: the errors of the updated PyTorch module's outputs.
      const { errors, accuracy } = await evaluate(trained, data);
      const mean = (f: (d: number) => number) => run.scores.reduce((a, v, i) => a + f(v - run.targets![i]), 0) / run.scores.length;
      expect(accuracy).toBeNaN();
      expect(Math.abs(errors!.meanSquared / mean((d) => d * d) - 1)).toBeLessThan(1e-4);
      expect(Math.abs(errors!.meanAbsolute / mean(Math.abs) - 1)).toBeLessThan(1e-4);
    }
  });
});
