// The losses of --loss (mse, l1, bce) and cross-entropy: each one's value and gradient w.r.t. the
// outputs, run on ONNX Runtime, against a float64 reference written from the formula (the gradient
// also against central differences of that reference); and training with one through the Loop
// graph (4 steps per run) equals one step per run, bit for bit.
import { lenet } from '../../model/lenet.onnx-builder';
import { datasets, train } from '../../src/index';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { LOSS_NAMES, LossName } from '../../src/graph/model-definition';
import { LOSSES, oneHot } from '../../src/training/graphs/loss';
import { randomFloats, runOnce, asModel } from '../helpers/run-model';
import { loadSplit } from '../../src/data/dataset-files';
import { MNIST_DIR } from '../helpers/mnist-dir';

const N = 6;
const K = 5;
const labels = [0, 3, 4, 1, 3, 2];

/** float64 loss of outputs o [N*K] against the one-hot labels. */
function reference(loss: LossName, o: ArrayLike<number>): number {
  let sum = 0;
  for (let n = 0; n < N; n++) {
    const row = Array.from({ length: K }, (_, k) => o[n * K + k]);
    const t = row.map((_, k) => (k === labels[n] ? 1 : 0));
    if (loss === 'cross-entropy') {
      const max = Math.max(...row);
      const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
      sum += logSum - row[labels[n]];
      continue;
    }
    for (let k = 0; k < K; k++) {
      const d = row[k] - t[k];
      sum += loss === 'mse' ? d * d : loss === 'l1' ? Math.abs(d) : Math.log1p(Math.exp(-Math.abs(row[k]))) + Math.max(row[k], 0) - row[k] * t[k];
    }
  }
  return loss === 'cross-entropy' ? sum / N : sum / (N * K);
}

test.each(LOSS_NAMES)('%s: value and gradient on ONNX Runtime = the float64 formula and its central differences', async (loss) => {
  const b = new GraphBuilder('loss');
  const logits = b.input('logits', 'float32', [N, K]);
  const y = b.input('labels', 'int64', [N]);
  const graph = LOSSES[loss].build(b, logits, oneHot(b, y, K));
  b.output(graph.loss, 'loss');
  b.output(graph.logitsGrad, 'grad');
  b.output(graph.correct, 'correct');
  const o = randomFloats(N * K, 3, -3, 3);
  const out = await runOnce(asModel(b.build('loss')), {
    logits: { dtype: 'float32', dims: [N, K], data: o },
    labels: { dtype: 'int64', dims: [N], data: BigInt64Array.from(labels.map(BigInt)) },
  });
  const o64 = Array.from(o);
  expect(Math.abs(Number(out.loss.data[0]) - reference(loss, o64))).toBeLessThan(1e-6 * Math.max(1, reference(loss, o64)));
  const h = 1e-6;
  const numeric = o64.map((_, i) => {
    const up = [...o64];
    const down = [...o64];
    up[i] += h;
    down[i] -= h;
    return (reference(loss, up) - reference(loss, down)) / (2 * h);
  });
  const grad = Array.from(out.grad.data as Float32Array);
  const scale = Math.max(...numeric.map(Math.abs));
  expect(Math.max(...grad.map((g, i) => Math.abs(g - numeric[i]))) / scale).toBeLessThan(1e-5);
  // correct: samples whose largest output is their label's
  const correct = labels.filter((l, n) => o64.slice(n * K, n * K + K).indexOf(Math.max(...o64.slice(n * K, n * K + K))) === l).length;
  expect(Number(out.correct.data[0])).toBe(correct);
});

test.each(['mse', 'bce'] as const)('--loss %s through the Loop graph (4 steps per run) = one step per run, bit for bit', async (loss) => {
  const full = loadSplit(MNIST_DIR, 'train');
  const data = datasets.fromArrays({ name: 'small', pixels: full.images.pixels.subarray(0, 256 * 784), rows: 28, cols: 28, labels: full.labels.subarray(0, 256) });
  const options = { epochs: 1, batchSize: 32, learningRate: 0.05, seed: 3, loss, threads: 1 };
  const single = await train(lenet, data, options);
  const looped = await train(lenet, data, { ...options, stepsPerRun: 4 });
  for (const p of lenet.params) expect(looped.params.get(p.name)).toEqual(single.params.get(p.name));
  expect(looped.history[0].loss).toBe(single.history[0].loss);
  expect(looped.recipe.loss).toBe(loss);
  // not cross-entropy's run: the same start and batches end elsewhere
  const entropy = await train(lenet, data, { ...options, loss: undefined });
  expect(entropy.params.get(lenet.params[0].name)).not.toEqual(single.params.get(lenet.params[0].name));
}, 60_000);

describe('target values instead of labels (datasets.fromArrays({ targets }))', () => {
  const count = 96;
  const full = () => loadSplit(MNIST_DIR, 'train');
  const targetsOf = (n: number) => Float32Array.from({ length: n * 10 }, (_, i) => Math.sin(i * 0.37));
  const dataOf = (n: number, offset = 0) =>
    datasets.fromArrays({ name: `values${offset}`, pixels: full().images.pixels.subarray(offset * 784, (offset + n) * 784), rows: 28, cols: 28, targets: targetsOf(n) });

  test('mse through the Loop graph (4 steps per run) = one step per run, bit for bit; validation reports the errors', async () => {
    const data = dataOf(count);
    const errors: number[] = [];
    const options = { epochs: 1, batchSize: 16, learningRate: 0.05, seed: 3, loss: 'mse' as const, threads: 1 };
    const single = await train(lenet, data, { ...options, validation: { data: dataOf(32, count) }, on: { onEpoch: (_r, _acc, _lr, e) => void errors.push(e!.meanSquared) } });
    const looped = await train(lenet, data, { ...options, stepsPerRun: 4 });
    for (const p of lenet.params) expect(looped.params.get(p.name)).toEqual(single.params.get(p.name));
    expect(single.history[0].accuracy).toBeNaN();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeGreaterThan(0);
  }, 60_000);

  test('l1 on 2 data parallel replicas = one session, to float tolerance (each replica gets its samples\' values)', async () => {
    const data = dataOf(64);
    const options = { epochs: 1, batchSize: 32, learningRate: 0.05, seed: 3, loss: 'l1' as const, threads: 1 };
    const single = await train(lenet, data, options);
    const split = await train(lenet, data, { ...options, replicas: [{ threads: 1 }, { threads: 1 }] });
    for (const p of lenet.params) {
      const a = single.params.get(p.name)!;
      const b = split.params.get(p.name)!;
      const scale = a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0) / scale).toBeLessThan(1e-5);
    }
    expect(split.history[0].loss).toBeCloseTo(single.history[0].loss, 5);
  }, 60_000);

  test('refused in one sentence: targets that are not one per output, validation of the other kind, stopAtAccuracy', async () => {
    const five = datasets.fromArrays({ name: 'five', pixels: new Uint8Array(4 * 784), rows: 28, cols: 28, targets: new Float32Array(4 * 5) });
    await expect(train(lenet, five, { epochs: 1, batchSize: 2, loss: 'mse' })).rejects.toThrow("five holds 5 target values per sample; model 'lenet' gives 10 outputs");
    const labelled = datasets.fromArrays({ name: 'labelled', pixels: new Uint8Array(4 * 784), rows: 28, cols: 28, labels: new Uint8Array(4) });
    await expect(train(lenet, dataOf(8), { epochs: 1, batchSize: 4, validation: { data: labelled } })).rejects.toThrow('one holds target values, the other labels');
    await expect(train(lenet, dataOf(8), { epochs: 1, batchSize: 4, validation: { data: dataOf(4), stopAtAccuracy: 0.9 } })).rejects.toThrow('stopAtAccuracy needs labels');
    expect(() => datasets.fromArrays({ name: 'odd', pixels: new Uint8Array(3 * 784), rows: 28, cols: 28, targets: new Float32Array(10) })).toThrow('odd: 10 target values is not the same number for each of the 3 images');
    expect(() => datasets.fromArrays({ name: 'nan', pixels: new Uint8Array(784), rows: 28, cols: 28, targets: Float32Array.of(NaN, 1) })).toThrow('nan: target value 0 is NaN');
    expect(() => datasets.fromArrays({ name: 'none', pixels: new Uint8Array(784), rows: 28, cols: 28 })).toThrow('none: give labels (one class per image) or targets (values per image)');
  });
});
