// Gradient rules of the layers beyond LeNet (ReLU CNNs: pooling, normalization, dropout, branches),
// each checked numerically through ONNX Runtime on a small graph.
import { GraphBuilder } from '../../src/graph/graph-builder';
import { batchNorm, batchNormSpecs } from '../../src/graph/layers';
import { forwardContext } from '../../src/graph/model-definition';
import { gradients } from '../../src/autodiff/backward';
import { gradCheck } from '../helpers/gradcheck';
import { checks } from '../helpers/rule-checks';
import { asModel, f32, openSession, randomFloats } from '../helpers/run-model';

const TOL = 2e-3;
const positive = (n: number, seed: number) => randomFloats(n, seed, 0.5, 2);
const awayFromZero = (n: number, seed: number) => randomFloats(n, seed, -1, 1).map((v) => (v >= 0 ? 0.2 + v : -0.2 + v));

describe('layer gradient rules match central differences', () => {
  checks('Div');
  test('Div with a broadcast denominator', async () => {
    const r = await gradCheck((b, v) => b.div(v.a, v.d), [
      { name: 'a', dims: [2, 3, 4] },
      { name: 'd', dims: [3, 1], data: positive(3, 2) },
    ]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('Sqrt');
  test('Sqrt of positive inputs', async () => {
    const r = await gradCheck((b, v) => b.sqrt(v.x), [{ name: 'x', dims: [3, 4], data: positive(12, 3) }], { eps: 1e-3 });
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('Sigmoid');
  test('Sigmoid', async () => {
    const r = await gradCheck((b, v) => b.sigmoid(v.x), [{ name: 'x', dims: [4, 5] }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('LeakyRelu');
  test('LeakyRelu alpha 0.1 (inputs away from the kink)', async () => {
    const r = await gradCheck((b, v) => b.leakyRelu(v.x, 0.1), [{ name: 'x', dims: [4, 5], data: awayFromZero(20, 4) }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('Softmax');
  test.each([1, 0])('Softmax over axis %i', async (axis) => {
    const r = await gradCheck((b, v) => b.softmax(v.x, axis), [{ name: 'x', dims: [3, 6] }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('GlobalAveragePool');
  test('GlobalAveragePool', async () => {
    const r = await gradCheck((b, v) => b.globalAveragePool(v.x), [{ name: 'x', dims: [2, 3, 5, 4] }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('AveragePool');
  test.each([
    ['2x2/2 tiling', [2, 2], [2, 2], [0, 0, 0, 0], [2, 3, 6, 4]],
    ['3x3/2 padded 1, odd size', [3, 3], [2, 2], [1, 1, 1, 1], [2, 2, 7, 7]],
    ['3x3/2 padded 1, even size (last row uncovered)', [3, 3], [2, 2], [1, 1, 1, 1], [1, 2, 6, 8]],
    ['3x2/1 overlapping', [3, 2], [1, 1], [0, 0, 0, 0], [1, 2, 5, 4]],
  ])('AveragePool %s', async (_, k, s, p, dims) => {
    const r = await gradCheck((b, v) => b.averagePool(v.x, k as number[], s as number[], p as number[]), [{ name: 'x', dims: dims as number[] }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('Concat');
  test('Concat of three branches along the channels, one of them constant', async () => {
    const r = await gradCheck((b, v) => b.tanh(b.concat([v.a, v.k, v.c], 1)), [
      { name: 'a', dims: [2, 2, 3] },
      { name: 'k', dims: [2, 1, 3], wrt: false },
      { name: 'c', dims: [2, 3, 3] },
    ]);
    expect(r.maxRelError).toBeLessThan(TOL);
    expect(Object.keys(r.grads).sort()).toEqual(['a', 'c']);
  });

  checks('Pad');
  test('Pad with zeros, unequal on each side and none on some axes', async () => {
    const r = await gradCheck((b, v) => b.tanh(b.mul(b.pad(v.x, [0, 1, 0, 2, 0, 0, 3, 1]), b.pad(v.x, [0, 0, 2, 0, 0, 1, 1, 3]))), [
      { name: 'x', dims: [2, 3, 4, 2] },
    ]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  test.each([
    ['groups 2', { group: 2 }, [2, 4, 6, 6], [6, 2, 3, 3]],
    ['depthwise (groups = channels), padded', { group: 3, pads: [1, 1, 1, 1] }, [2, 3, 5, 5], [3, 1, 3, 3]],
    ['3x3 stride 2 padding 1 on an even size (last row uncovered)', { strides: [2, 2], pads: [1, 1, 1, 1] }, [2, 2, 8, 6], [3, 2, 3, 3]],
    ['groups 2, stride 2', { group: 2, strides: [2, 2] }, [1, 4, 7, 7], [4, 2, 3, 3]],
    ['stride 1, unequal padding, a 3x2 kernel (input gradient as a Conv)', { pads: [2, 0, 1, 1] }, [2, 3, 5, 6], [4, 3, 3, 2]],
    ['stride 1, padding wider than the kernel (input gradient by ConvTranspose)', { pads: [3, 0, 0, 2] }, [1, 2, 4, 4], [2, 2, 3, 2]],
  ])('Conv %s', async (_, o, xd, wd) => {
    const r = await gradCheck((b, v) => b.conv(v.x, v.w, v.bias, o), [
      { name: 'x', dims: xd as number[] },
      { name: 'w', dims: wd as number[] },
      { name: 'bias', dims: [(wd as number[])[0]] },
    ]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  test('the input gradient of a stride-1 ungrouped Conv is a Conv; strided, grouped or over-padded ones keep ConvTranspose', () => {
    const opsOfInputGradient = (o: Parameters<GraphBuilder['conv']>[3], wd: number[]) => {
      const b = new GraphBuilder('g');
      const x = b.input('x', 'float32', [2, 4, 6, 6]);
      const w = b.input('w', 'float32', wd);
      const y = b.reduceSum(b.conv(x, w, null, o), [0, 1, 2, 3], false);
      const before = b.nodes.length;
      gradients(b, y, [x]);
      return b.nodes.slice(before).map((n) => n.opType).filter((t) => t === 'Conv' || t === 'ConvTranspose');
    };
    expect(opsOfInputGradient({ pads: [1, 1, 1, 1] }, [3, 4, 3, 3])).toEqual(['Conv']);
    expect(opsOfInputGradient({ strides: [2, 2] }, [3, 4, 3, 3])).toEqual(['ConvTranspose']);
    expect(opsOfInputGradient({ group: 2 }, [4, 2, 3, 3])).toEqual(['ConvTranspose']);
    expect(opsOfInputGradient({ pads: [3, 0, 0, 0] }, [3, 4, 3, 3])).toEqual(['ConvTranspose']);
  });

  checks('BatchNormalization');
  test('BatchNormalization in inference form (frozen statistics): input, scale and bias', async () => {
    const r = await gradCheck((b, v) => b.batchNormalization(v.x, v.scale, v.bias, v.mean, v.var, 1e-5), [
      { name: 'x', dims: [2, 3, 4, 4] },
      { name: 'scale', dims: [3] },
      { name: 'bias', dims: [3] },
      { name: 'mean', dims: [3], wrt: false },
      { name: 'var', dims: [3], data: positive(3, 8), wrt: false },
    ]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  test.each([
    ['convolution output [N, C, H, W]', [4, 3, 3, 2]],
    ['dense output [N, C]', [6, 5]],
  ])('batch norm in training mode (batch statistics, standard ops) on a %s', async (_, dims) => {
    const channels = (dims as number[])[1];
    const names = batchNormSpecs('bn', channels);
    const r = await gradCheck(
      (b, v) => {
        const ctx = forwardContext('train', { 'bn.running_mean': v.rm, 'bn.running_var': v.rv });
        return b.tanh(batchNorm(b, ctx, v.x, { 'bn.weight': v.scale, 'bn.bias': v.bias }, 'bn'));
      },
      [
        { name: 'x', dims: dims as number[] },
        { name: 'scale', dims: [channels], data: positive(channels, 5) },
        { name: 'bias', dims: [channels] },
        { name: 'rm', dims: [channels], wrt: false },
        { name: 'rv', dims: [channels], wrt: false },
      ],
      { eps: 1e-3 },
    );
    expect(names.params.map((p) => p.name)).toEqual(['bn.weight', 'bn.bias']);
    expect(r.maxRelError).toBeLessThan(TOL);
  });
});

test('ReduceMean over the symbolic batch axis divides by the batch size fed at run time (no int64 shape ops)', async () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 3]);
  const c = b.input('c', 'float32', [1, 3]);
  const loss = b.reduceSum(b.mul(b.reduceMean(x, [0], true), c), [0, 1], false);
  const before = b.nodes.length;
  b.output(gradients(b, loss, [x]).get(x)!, 'dx');
  expect(b.nodes.slice(before).map((n) => n.opType)).not.toContain('Size');
  const session = await openSession(asModel(b.build()));
  for (const n of [5, 2]) {
    const out = await session.run({ x: f32([n, 3], randomFloats(3 * n, n)), c: f32([1, 3], Float32Array.of(1, -2, 4)) });
    expect(Array.from(out.dx.data as Float32Array)).toEqual(Array.from({ length: 3 * n }, (_, i) => Math.fround([1, -2, 4][i % 3] / n)));
  }
  await session.release();
});

describe('Dropout', () => {
  checks('Dropout');
  test('its gradient is dy * mask / (1 - ratio) with the mask the forward pass drew', async () => {
    // The mask is random at each run, so the rule is checked exactly against the mask of the same run.
    const ratio = 0.25;
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [40, 50]);
    const c = b.input('c', 'float32', [40, 50]);
    const [y, mask] = b.dropout(x, ratio, 42);
    const loss = b.reduceSum(b.mul(y, c), [0, 1], false);
    b.output(y, 'y');
    b.output(mask, 'mask');
    b.output(gradients(b, loss, [x]).get(x)!, 'dx');
    const session = await openSession(asModel(b.build()));
    const xs = randomFloats(2000, 1, -1, 1);
    const cs = randomFloats(2000, 2, -1, 1);
    const out = await session.run({ x: f32([40, 50], xs), c: f32([40, 50], cs) });
    await session.release();
    const [ys, ms, dx] = [out.y.data as Float32Array, out.mask.data as Uint8Array, out.dx.data as Float32Array];
    let kept = 0;
    for (let i = 0; i < 2000; i++) {
      kept += ms[i];
      expect(ys[i]).toBeCloseTo((xs[i] * ms[i]) / (1 - ratio), 5);
      expect(dx[i]).toBeCloseTo((cs[i] * ms[i]) / (1 - ratio), 5);
    }
    expect(kept / 2000).toBeGreaterThan(0.7); // about 1 - ratio = 0.75 of 2000
    expect(kept / 2000).toBeLessThan(0.8);
  });
});


describe('rules that imported models need', () => {
  const TOL = 2e-3;

  checks('Clip');
  test('Clip (ReLU6): the gradient passes strictly inside the bounds', async () => {
    const data = randomFloats(24, 5, -2, 8).map((v) => (Math.abs(v) < 0.1 || Math.abs(v - 6) < 0.1 ? v + 0.3 : v));
    const r = await gradCheck(
      (b, v) => b.op('Clip', [v.x, b.f32(0, 'lo'), b.f32(6, 'hi')])[0],
      [{ name: 'x', dims: [4, 6], data }],
      { eps: 1e-2 },
    );
    expect(r.maxRelError).toBeLessThan(TOL);
    const g = r.grads.x;
    data.forEach((v, i) => expect(g[i] === 0).toBe(v <= 0 || v >= 6));
  });
  test.each([
    ['a lower bound only', [0, null], (v: number) => v <= 0],
    ['an upper bound only', [null, 6], (v: number) => v >= 6],
  ] as const)('Clip with %s: the gradient stops at that bound alone', async (_, [lo, hi], stopped) => {
    const data = randomFloats(24, 6, -2, 8).map((v) => (Math.abs(v) < 0.1 || Math.abs(v - 6) < 0.1 ? v + 0.3 : v));
    const r = await gradCheck(
      (b, v) => b.op('Clip', [v.x, lo === null ? null : b.f32(lo, 'lo'), hi === null ? null : b.f32(hi, 'hi')])[0],
      [{ name: 'x', dims: [4, 6], data }],
      { eps: 1e-2 },
    );
    expect(r.maxRelError).toBeLessThan(TOL);
    data.forEach((v, i) => expect(r.grads.x[i] === 0).toBe(stopped(v)));
  });

  checks('Erf');
  test('Erf', async () => {
    const r = await gradCheck((b, v) => b.op('Erf', [v.x])[0], [{ name: 'x', dims: [3, 5] }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('LayerNormalization');
  test.each([
    [[4, 6], -1],
    [[2, 3, 4], 1],
  ])('LayerNormalization of %j over the axes from %i', async (dims, axis) => {
    const features = (dims as number[]).slice((axis + dims.length) % dims.length);
    const r = await gradCheck(
      (b, v) => b.op('LayerNormalization', [v.x, v.scale, v.bias], { axis: { kind: 'int', value: axis }, epsilon: { kind: 'float', value: 1e-5 } })[0],
      [
        { name: 'x', dims: dims as number[] },
        { name: 'scale', dims: features },
        { name: 'bias', dims: features },
      ],
    );
    expect(r.maxRelError).toBeLessThan(TOL);
  });
});

describe('MaxPool beyond tiling windows', () => {
  checks('MaxPool');
  test.each([
    ['3x3 windows, stride 2, ceil_mode (SqueezeNet)', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, [2, 3, 8, 8]],
    ['3x3 windows, stride 1, padded', { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, [2, 2, 5, 5]],
  ])('%s: dy reaches the first maximum of every window it came from', async (_what, attrs, dims) => {
    const n = (dims as number[]).reduce((p, d) => p * d, 1);
    // A shuffled ramp: no two values within 2/n of each other, so that no perturbation moves a maximum.
    const order = Array.from(randomFloats(n, 11), (r, i) => [r, i]).sort((p, q) => p[0] - q[0]);
    const data = new Float32Array(n);
    order.forEach(([, i], rank) => (data[i] = (2 * rank) / n - 1));
    const a = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, Array.isArray(v) ? { kind: 'ints' as const, value: v } : { kind: 'int' as const, value: v }]));
    const r = await gradCheck((b, v) => b.op('MaxPool', [v.x], a)[0], [{ name: 'x', dims: dims as number[], data }], { eps: 1e-3 });
    expect(r.maxRelError).toBeLessThan(2e-3);
  });
});

describe('element-wise and shape rules for imported models', () => {
  const TOL = 2e-3;
  const away = (n: number, seed: number, from: number[]) => randomFloats(n, seed, -4, 4).map((v) => (from.some((k) => Math.abs(v - k) < 0.2) ? v + 0.4 : v));

  checks('Exp', 'Log');
  test('Exp, Log', async () => {
    const r = await gradCheck((b, v) => b.log(b.add(b.exp(v.x), b.f32(0.5, 'c'))), [{ name: 'x', dims: [3, 4] }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('Pow');
  test('Pow with a constant exponent, and with both inputs trained', async () => {
    const positive = randomFloats(12, 3, 0.5, 2);
    const r1 = await gradCheck((b, v) => b.pow(v.x, b.f32(3, 'p')), [{ name: 'x', dims: [3, 4], data: positive }]);
    const r2 = await gradCheck((b, v) => b.pow(v.x, v.p), [{ name: 'x', dims: [3, 4], data: positive }, { name: 'p', dims: [4] }]);
    expect(Math.max(r1.maxRelError, r2.maxRelError)).toBeLessThan(TOL);
  });

  checks('Max', 'Min');
  test.each(['Max', 'Min'])('%s of two inputs with broadcasting', async (op) => {
    const r = await gradCheck((b, v) => b.op(op, [v.a, v.b])[0], [{ name: 'a', dims: [3, 4], data: randomFloats(12, 1) }, { name: 'b', dims: [4], data: randomFloats(4, 2).map((x) => x + 0.05) }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('HardSigmoid', 'HardSwish');
  test('HardSigmoid (alpha 0.2, beta 0.5) and HardSwish, away from their kinks', async () => {
    const r1 = await gradCheck((b, v) => b.op('HardSigmoid', [v.x], { alpha: { kind: 'float', value: 0.2 }, beta: { kind: 'float', value: 0.5 } })[0], [{ name: 'x', dims: [4, 5], data: away(20, 4, [-2.5, 2.5]) }], { eps: 1e-2 });
    const r2 = await gradCheck((b, v) => b.op('HardSwish', [v.x])[0], [{ name: 'x', dims: [4, 5], data: away(20, 5, [-3, 3]) }], { eps: 1e-2 });
    expect(Math.max(r1.maxRelError, r2.maxRelError)).toBeLessThan(TOL);
  });

  checks('Squeeze', 'Expand', 'Cast');
  test('Squeeze, Expand, Cast (float to float)', async () => {
    const r = await gradCheck(
      (b, v) => b.cast(b.expand(b.op('Squeeze', [v.x, b.i64([1], 'axes')])[0], b.i64([2, 3, 4], 'shape')), 'float32'),
      [{ name: 'x', dims: [3, 1, 4] }],
    );
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('Where');
  test('Where with a constant condition', async () => {
    const cond = Uint8Array.from([1, 0, 0, 1]);
    const r = await gradCheck(
      (b, v) => b.where(b.constant('bool', [4], cond, 'cond'), v.a, v.b),
      [{ name: 'a', dims: [3, 4] }, { name: 'b', dims: [4] }],
    );
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  checks('Slice');
  test('Slice on two axes, with negative and clamped ends', async () => {
    const r = await gradCheck((b, v) => b.slice(v.x, [1, -3], [3, 1000], [1, 2]), [{ name: 'x', dims: [2, 4, 5] }]);
    expect(r.maxRelError).toBeLessThan(TOL);
  });
});

describe('activations of imported models', () => {
  checks('Elu', 'Softplus', 'Softsign');
  test.each(['Elu', 'Softplus', 'Softsign'])('%s, away from 0', async (op) => {
    const data = randomFloats(20, 8, -3, 3).map((v) => (Math.abs(v) < 0.1 ? v + 0.3 : v));
    const r = await gradCheck((b, v) => b.op(op, [v.x], op === 'Elu' ? { alpha: { kind: 'float', value: 0.7 } } : {})[0], [{ name: 'x', dims: [4, 5], data }], { eps: 1e-2 });
    expect(r.maxRelError).toBeLessThan(2e-3);
  });

  checks('PRelu');
  test('PRelu with a per-channel slope, both inputs trained', async () => {
    const data = randomFloats(2 * 3 * 4, 9, -2, 2).map((v) => (Math.abs(v) < 0.1 ? v + 0.3 : v));
    const r = await gradCheck((b, v) => b.op('PRelu', [v.x, v.slope])[0], [{ name: 'x', dims: [2, 3, 4], data }, { name: 'slope', dims: [3, 1] }], { eps: 1e-2 });
    expect(r.maxRelError).toBeLessThan(2e-3);
  });
});
