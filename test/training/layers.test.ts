// What the mode-dependent layers compute, against a plain JavaScript reference: batch norm with the
// batch's statistics and the running-statistics update in training, the running statistics in
// the exported model; dropout only in training.
import { GraphBuilder } from '../../src/graph/graph-builder';
import { batchNorm, dropout } from '../../src/graph/layers';
import { forwardContext } from '../../src/graph/model-definition';
import { Value } from '../../src/graph/types';
import { asModel, f32, runOnce, randomFloats } from '../helpers/run-model';

const [N, C, H, W] = [3, 2, 2, 3];
const per = H * W;
const x = randomFloats(N * C * per, 11, -2, 3);
const scale = Float32Array.of(1.5, -0.5);
const bias = Float32Array.of(0.25, 2);
const runningMean = Float32Array.of(0.5, -1);
const runningVar = Float32Array.of(2, 0.25);

/** Per-channel mean and biased variance of x over N, H, W. */
function stats(c: number): [number, number] {
  const vals: number[] = [];
  for (let n = 0; n < N; n++) for (let i = 0; i < per; i++) vals.push(x[(n * C + c) * per + i]);
  const mean = vals.reduce((a, v) => a + v, 0) / vals.length;
  return [mean, vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length];
}

async function run(mode: 'train' | 'infer') {
  const b = new GraphBuilder('bn');
  const v = (name: string, dims: number[]) => b.input(name, 'float32', dims);
  const updates = new Map<string, Value>();
  const ctx = forwardContext(mode, { 'bn.running_mean': v('rm', [C]), 'bn.running_var': v('rv', [C]) }, updates);
  b.output(batchNorm(b, ctx, v('x', [N, C, H, W]), { 'bn.weight': v('scale', [C]), 'bn.bias': v('bias', [C]) }, 'bn'), 'y');
  for (const [name, next] of updates) b.output(next, name.replace('bn.', ''));
  const out = await runOnce(asModel(b.build()), {
    x: f32([N, C, H, W], x), scale: f32([C], scale), bias: f32([C], bias), rm: f32([C], runningMean), rv: f32([C], runningVar),
  });
  return { out, nodes: b.nodes.map((n) => n.opType) };
}

describe('batch norm', () => {
  test('training: normalizes with the batch statistics and moves the running ones 10% toward them', async () => {
    const { out } = await run('train');
    const y = out.y.data as Float32Array;
    for (let c = 0; c < C; c++) {
      const [mean, variance] = stats(c);
      for (let n = 0; n < N; n++) for (let i = 0; i < per; i++) {
        const at = (n * C + c) * per + i;
        expect(y[at]).toBeCloseTo(((x[at] - mean) / Math.sqrt(variance + 1e-5)) * scale[c] + bias[c], 4);
      }
      expect(out.running_mean.data[c]).toBeCloseTo(0.9 * runningMean[c] + 0.1 * mean, 5);
      expect(out.running_var.data[c]).toBeCloseTo(0.9 * runningVar[c] + 0.1 * variance, 5);
    }
  });

  test('inference: one BatchNormalization node with the running statistics', async () => {
    const { out, nodes } = await run('infer');
    expect(nodes).toEqual(['BatchNormalization']);
    const y = out.y.data as Float32Array;
    for (let at = 0; at < y.length; at++) {
      const c = Math.floor(at / per) % C;
      expect(y[at]).toBeCloseTo(((x[at] - runningMean[c]) / Math.sqrt(runningVar[c] + 1e-5)) * scale[c] + bias[c], 4);
    }
  });

  test('a batch norm whose tensors the model did not declare is refused by name', () => {
    const b = new GraphBuilder('bn');
    const ctx = forwardContext('train', {});
    expect(() => batchNorm(b, ctx, b.input('x', 'float32', [2, 3]), {}, 'bn1')).toThrow(
      "batch norm 'bn1': the model does not declare bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var (use batchNormSpecs('bn1', channels))",
    );
  });
});

describe('dropout', () => {
  test('is absent from the exported model', () => {
    const b = new GraphBuilder('d');
    const x = b.input('x', 'float32', [2, 3]);
    expect(dropout(b, forwardContext('infer', {}), x, 0.5, 'drop1')).toBe(x);
    expect(b.nodes).toHaveLength(0);
  });

  test('in training, keeps the elements whose fed random value is below 1 - ratio, scaled by 1 / (1 - ratio)', async () => {
    const b = new GraphBuilder('d');
    const x = b.input('x', 'float32', [4, 50]);
    const ctx = forwardContext('train', {}, new Map(), (name, dims) => b.input(`random.${name}`, 'float32', [4, ...dims]));
    b.output(dropout(b, ctx, x, 0.25, 'drop1'), 'y');
    expect(b.inputs.map((v) => v.name)).toEqual(['x', 'random.drop1']);
    const xs = randomFloats(200, 1, -1, 1);
    const u = randomFloats(200, 2, 0, 1);
    const out = await runOnce(asModel(b.build()), { x: f32([4, 50], xs), 'random.drop1': f32([4, 50], u) });
    const y = out.y.data as Float32Array;
    for (let i = 0; i < 200; i++) expect(y[i]).toBeCloseTo(u[i] < 0.75 ? xs[i] / 0.75 : 0, 6);
  });

  test('ratios outside [0, 1) are refused', () => {
    const b = new GraphBuilder('d');
    expect(() => dropout(b, forwardContext('train', {}), b.input('x', 'float32', [2]), 1, 'drop1')).toThrow("dropout 'drop1': ratio must be in [0, 1), got 1");
  });
});
