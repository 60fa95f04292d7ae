// One SGD step of the derived step graph, checked against arithmetic done by hand, and the
// step graph's update checked against its own gradient graph.
import { GraphBuilder } from '../../src/graph/graph-builder';
import { ModelDefinition } from '../../src/graph/model-definition';
import { buildGradientGraph, buildTrainingStep, gradName, updatedName } from '../../src/training/graphs/step-graph';
import { lenet } from '../../model/lenet.onnx-builder';
import { initParams } from '../../src/training/graphs/init';
import { f32, i64, randomFloats, runOnce } from '../helpers/run-model';

/** logits = x W^T + b: two features, three classes. Small enough to do on paper. */
const linear: ModelDefinition = {
  name: 'linear',
  sampleDims: [2],
  classes: 3,
  params: [
    { name: 'w', dims: [3, 2], init: 'xavier' },
    { name: 'b', dims: [3], init: 'zeros' },
  ],
  forward: (b: GraphBuilder, x, p) => b.gemm(x, p.w, p.b, { transB: true }),
};

test('one SGD step on a linear softmax classifier equals the hand computation', async () => {
  const x = [1, 2, -1, 0.5]; // two samples
  const y = [0, 2];
  const w = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6];
  const bias = [0.01, 0.02, 0.03];
  const lr = 0.5;

  // By hand: logits, softmax, loss = mean(-log p[y]); dlogits = (softmax - onehot) / N.
  const N = 2;
  const logits = [0, 1].map((n) => [0, 1, 2].map((k) => x[2 * n] * w[2 * k] + x[2 * n + 1] * w[2 * k + 1] + bias[k]));
  const probs = logits.map((row) => {
    const e = row.map(Math.exp);
    const s = e.reduce((a, v) => a + v, 0);
    return e.map((v) => v / s);
  });
  const loss = -(Math.log(probs[0][y[0]]) + Math.log(probs[1][y[1]])) / N;
  const dlogits = probs.map((row, n) => row.map((p, k) => (p - (k === y[n] ? 1 : 0)) / N));
  const dw = [0, 1, 2].flatMap((k) => [0, 1].map((j) => dlogits[0][k] * x[j] + dlogits[1][k] * x[2 + j]));
  const db = [0, 1, 2].map((k) => dlogits[0][k] + dlogits[1][k]);
  const correct = logits.filter((row, n) => row.indexOf(Math.max(...row)) === y[n]).length;

  const out = await runOnce(buildTrainingStep(linear), {
    w: f32([3, 2], Float32Array.from(w)),
    b: f32([3], Float32Array.from(bias)),
    x: f32([2, 2], Float32Array.from(x)),
    y: i64([2], y),
    lr: f32([], Float32Array.of(lr)),
  });
  const newW = Array.from(out[updatedName('w')].data as Float32Array);
  const newB = Array.from(out[updatedName('b')].data as Float32Array);
  w.forEach((v, i) => expect(newW[i]).toBeCloseTo(v - lr * dw[i], 6));
  bias.forEach((v, i) => expect(newB[i]).toBeCloseTo(v - lr * db[i], 6));
  expect((out.loss.data as Float32Array)[0]).toBeCloseTo(loss, 6);
  expect((out.correct.data as Float32Array)[0]).toBe(correct);
});

test('the LeNet step graph applies w - lr * grad with the gradient graph\'s gradients', async () => {
  const N = 4;
  const params = initParams(lenet, 9);
  const feeds: Record<string, ReturnType<typeof f32>> = {
    x: f32([N, 1, 28, 28], randomFloats(N * 784, 4, 0, 1)),
    y: i64([N], [3, 1, 4, 1]),
  };
  for (const p of lenet.params) feeds[p.name] = f32(p.dims, params.get(p.name)!);
  const grads = await runOnce(buildGradientGraph(lenet), feeds);
  const step = await runOnce(buildTrainingStep(lenet), { ...feeds, lr: f32([], Float32Array.of(0.03)) });
  let worst = 0;
  for (const p of lenet.params) {
    const w = params.get(p.name)!;
    const g = grads[gradName(p.name)].data as Float32Array;
    const updated = step[updatedName(p.name)].data as Float32Array;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(updated[i] - (w[i] - 0.03 * g[i])));
  }
  expect(worst).toBeLessThan(1e-7);
  expect(step.loss.data).toEqual(grads.loss.data);
});
