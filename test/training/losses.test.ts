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
