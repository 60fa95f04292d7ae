// Each gradient rule, checked numerically through ONNX Runtime on a one-op graph.
import { gradients } from '../../src/autodiff/backward';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { outputSize, PatchGeometry, patchRows } from '../../src/graph/patches';
import { gradCheck } from '../helpers/gradcheck';
import { checks } from '../helpers/rule-checks';
import { Value } from '../../src/graph/types';
import { randomFloats } from '../helpers/run-model';

const TOL = 2e-3;
let worst = 0;
const expectClose = (maxRelError: number) => {
  worst = Math.max(worst, maxRelError);
  expect(maxRelError).toBeLessThan(TOL);
};
afterAll(() => console.log(`per-rule gradient checks: max relative error ${worst.toExponential(2)}`));

/** Values in [lo, hi) whose magnitudes stay away from 0 (for Relu's kink) */
const awayFromZero = (n: number, seed: number) =>
  randomFloats(n, seed, -1, 1).map((v) => (v >= 0 ? 0.2 + v : -0.2 + v));

/** Distinct values (no ties anywhere): a shuffled ramp. */
function tieFree(n: number, seed: number): Float32Array {
  const r = randomFloats(n, seed);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => r[a] - r[b]);
  const out = new Float32Array(n);
  idx.forEach((k, i) => (out[k] = (i - n / 2) * (2 / n) + 0.001 * i / n));
  return out;
}

describe('gradient rules match central differences', () => {
  checks('Tanh');
  test('Tanh', async () => {
    const r = await gradCheck((b, v) => b.tanh(v.x), [{ name: 'x', dims: [3, 4] }]);
    expectClose(r.maxRelError);
  });

  checks('Relu');
  test('Relu (inputs away from the kink)', async () => {
    const r = await gradCheck((b, v) => b.relu(v.x), [{ name: 'x', dims: [4, 5], data: awayFromZero(20, 3) }], { eps: 1e-2 });
    expectClose(r.maxRelError);
  });

  checks('Neg', 'Identity');
  test('Neg, Identity, Exp-free elementwise chain', async () => {
    const r = await gradCheck((b, v) => b.identity(b.neg(v.x)), [{ name: 'x', dims: [2, 3] }]);
    expectClose(r.maxRelError);
  });

  checks('Add', 'Sub', 'Mul');
  test.each([
    ['Add', [2, 3, 4], [3, 4]],
    ['Sub', [2, 3, 4], [1, 4]],
    ['Mul', [2, 3, 4], [2, 1, 4]],
    ['Mul', [5], [5]],
  ])('%s with broadcasting %j and %j', async (op, da, db) => {
    const r = await gradCheck(
      (b, v) => (op === 'Add' ? b.add(v.a, v.b) : op === 'Sub' ? b.sub(v.a, v.b) : b.mul(v.a, v.b)),
      [
        { name: 'a', dims: da as number[] },
        { name: 'b', dims: db as number[] },
      ],
    );
    expectClose(r.maxRelError);
  });

  checks('Gemm');
  test.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('Gemm transA=%s transB=%s with bias', async (transA, transB) => {
    const [M, K, N] = [3, 4, 5];
    const r = await gradCheck((b, v) => b.gemm(v.a, v.w, v.c, { transA, transB }), [
      { name: 'a', dims: transA ? [K, M] : [M, K] },
      { name: 'w', dims: transB ? [N, K] : [K, N] },
      { name: 'c', dims: [N] },
    ]);
    expectClose(r.maxRelError);
  });

  checks('MatMul');
  test('MatMul', async () => {
    const r = await gradCheck((b, v) => b.matMul(v.a, v.w), [
      { name: 'a', dims: [3, 4] },
      { name: 'w', dims: [4, 2] },
    ]);
    expectClose(r.maxRelError);
  });

  test('MatMul, a stack of products (grouped convolutions in the batch-last graphs)', async () => {
    const r = await gradCheck((b, v) => b.matMul(v.a, v.w), [
      { name: 'a', dims: [3, 2, 4] },
      { name: 'w', dims: [3, 4, 5] },
    ]);
    expectClose(r.maxRelError);
  });

  checks('Conv');
  test('Conv 5x5, stride 1, with bias (LeNet conv2 shape, small)', async () => {
    const r = await gradCheck((b, v) => b.conv(v.x, v.w, v.bias), [
      { name: 'x', dims: [2, 3, 9, 9] },
      { name: 'w', dims: [4, 3, 5, 5] },
      { name: 'bias', dims: [4] },
    ]);
    expectClose(r.maxRelError);
  });

  test('Conv 3x3, stride 2, padding 1', async () => {
    const r = await gradCheck((b, v) => b.conv(v.x, v.w, v.bias, { strides: [2, 2], pads: [1, 1, 1, 1] }), [
      { name: 'x', dims: [2, 2, 7, 7] },
      { name: 'w', dims: [3, 2, 3, 3] },
      { name: 'bias', dims: [3] },
    ]);
    expectClose(r.maxRelError);
  });

  test('Conv with a constant image input differentiates only the weights', async () => {
    const r = await gradCheck((b, v) => b.conv(v.x, v.w, null), [
      { name: 'x', dims: [2, 1, 6, 6], wrt: false },
      { name: 'w', dims: [3, 1, 3, 3] },
    ]);
    expect(Object.keys(r.grads)).toEqual(['w']);
    expectClose(r.maxRelError);
  });

  checks('MaxPool');
  test('MaxPool 2x2/2 on tie-free input', async () => {
    const r = await gradCheck(
      (b, v) => b.maxPool(v.x, [2, 2], [2, 2]),
      [{ name: 'x', dims: [2, 3, 6, 4], data: tieFree(144, 5) }],
      { eps: 1e-4 },
    );
    expectClose(r.maxRelError);
  });

  test('MaxPool with tied windows splits dy evenly (not 4x too large)', async () => {
    // Every 2x2 window holds four equal values; moving a window's values together is differentiable.
    const x = new Float32Array(1 * 2 * 4 * 4);
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) x[c * 16 + i * 4 + j] = 0.1 * (c + 3 * Math.floor(i / 2) + Math.floor(j / 2));
    const windowShift = (_: string, n: number, k: number) => {
      const w = randomFloats(8, 100 + k);
      return Float32Array.from({ length: n }, (_, idx) => {
        const c = Math.floor(idx / 16), i = Math.floor((idx % 16) / 4), j = idx % 4;
        return w[c * 4 + Math.floor(i / 2) * 2 + Math.floor(j / 2)];
      });
    };
    const r = await gradCheck((b, v) => b.maxPool(v.x, [2, 2], [2, 2]), [{ name: 'x', dims: [1, 2, 4, 4], data: x }], {
      direction: windowShift,
    });
    expectClose(r.maxRelError);
    // Each window's four gradients are equal and sum to that window's dy (never exceeding it).
    const g = r.grads.x;
    for (let c = 0; c < 2; c++)
      for (let wi = 0; wi < 2; wi++)
        for (let wj = 0; wj < 2; wj++) {
          const cell = [0, 1].flatMap((di) => [0, 1].map((dj) => g[c * 16 + (2 * wi + di) * 4 + 2 * wj + dj]));
          expect(Math.max(...cell) - Math.min(...cell)).toBeLessThan(1e-6);
        }
  });

  test('Tanh then MaxPool, differentiated as one fused pair', async () => {
    const r = await gradCheck((b, v) => b.maxPool(b.tanh(v.x), [2, 2], [2, 2]), [{ name: 'x', dims: [2, 3, 6, 4], data: tieFree(144, 9) }], {
      eps: 1e-4,
    });
    expectClose(r.maxRelError);
  });

  test('Conv then Tanh then MaxPool with a constant image, fused (weight gradient in window order)', async () => {
    const r = await gradCheck((b, v) => b.maxPool(b.tanh(b.conv(v.x, v.w, v.bias)), [2, 2], [2, 2]), [
      { name: 'x', dims: [2, 2, 9, 9], wrt: false },
      { name: 'w', dims: [3, 2, 4, 4] },
      { name: 'bias', dims: [3] },
    ], { eps: 1e-3 });
    expectClose(r.maxRelError);
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [2, 2, 9, 9]);
    const w = b.input('w', 'float32', [3, 2, 4, 4]);
    const loss = b.reduceSum(b.maxPool(b.tanh(b.conv(x, w, null)), [2, 2], [2, 2]), [0, 1, 2, 3], false);
    const before = b.nodes.length;
    gradients(b, loss, [w]);
    expect(b.nodes.slice(before).map((n) => n.opType)).not.toContain('DepthToSpace');
  });

  test('the fused pair applies tanh\' at pooled resolution: no full-size Sub/Mul of (1 - y^2)', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [2, 3, 8, 8]);
    const loss = b.reduceSum(b.maxPool(b.tanh(x), [2, 2], [2, 2]), [0, 1, 2, 3], false);
    const before = b.nodes.length;
    gradients(b, loss, [x]);
    const subs = b.nodes.slice(before).filter((n) => n.opType === 'Sub');
    expect(subs).toHaveLength(1);
    expect(subs[0].outputs[0].shape).toEqual([2, 3, 4, 4]);
  });

  checks('Flatten', 'Reshape');
  test('Flatten and Reshape', async () => {
    const r1 = await gradCheck((b, v) => b.tanh(b.flatten(v.x, 1)), [{ name: 'x', dims: [2, 3, 2, 2] }]);
    const r2 = await gradCheck((b, v) => b.tanh(b.reshape(v.x, [3, 8])), [{ name: 'x', dims: [2, 3, 4] }]);
    expectClose(Math.max(r1.maxRelError, r2.maxRelError));
  });

  checks('Unsqueeze');
  test('Unsqueeze', async () => {
    const r = await gradCheck((b, v) => b.tanh(b.unsqueeze(v.x, [1])), [{ name: 'x', dims: [3, 4] }]);
    expectClose(r.maxRelError);
  });

  checks('LogSoftmax');
  test('LogSoftmax', async () => {
    const r = await gradCheck((b, v) => b.logSoftmax(v.x, 1), [{ name: 'x', dims: [4, 10] }]);
    expectClose(r.maxRelError);
  });

  checks('GatherElements');
  test('GatherElements, with repeated indices adding up', async () => {
    const r = await gradCheck((b, v) => b.gatherElements(v.x, v.idx, 1), [
      { name: 'x', dims: [3, 5] },
      { name: 'idx', dims: [3, 4], dtype: 'int64', data: BigInt64Array.from([0, 2, 2, 4, 1, 1, 1, 3, 4, 0, 2, 4].map(BigInt)) },
    ]);
    expectClose(r.maxRelError);
  });

  checks('Gather');
  test('Gather along axis 0 with constant indices, repeated rows adding up', async () => {
    const r = await gradCheck((b, v) => b.gather(v.x, v.idx, 0), [
      { name: 'x', dims: [5, 3] },
      { name: 'idx', dims: [2, 3], dtype: 'int64', data: BigInt64Array.from([4, 0, 4, 2, 2, -1].map(BigInt)), constant: true },
    ]);
    expectClose(r.maxRelError);
    // Row 1 is never gathered: its gradient is exactly zero; row 4 (also as -1) is gathered three times.
    expect(Array.from(r.grads.x.subarray(3, 6))).toEqual([0, 0, 0]);
  });

  test.each(['rows', 'columns'] as const)('Gather by an im2col table (strided 3x2 patches of a 2-channel 5x6 image stored by %s): its adjoint is col2im', async (inputOrder) => {
    const geometry: PatchGeometry = { channels: 2, height: 5, width: 6, kernel: [3, 2], strides: [2, 1], inputOrder };
    const table = patchRows(geometry);
    const [oh, ow] = outputSize(geometry);
    const r = await gradCheck((b, v) => b.gather(v.x, b.constant('int64', [2 * 3 * 2, oh * ow], table, 'rows'), 0), [
      { name: 'x', dims: [60, 3] },
    ]);
    expectClose(r.maxRelError);
  });

  test('Gather by indices known only at run time: refused with a clear message', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [4, 2]);
    const idx = b.input('idx', 'int64', [3]);
    const loss = b.reduceSum(b.gather(x, idx, 0), [0, 1], false);
    expect(() => gradients(b, loss, [x])).toThrow("Gather 'gather_node': gradient needs constant indices");
  });

  checks('ReduceMax');
  test('ReduceMax over two axes on tie-free input, keepdims=0', async () => {
    const r = await gradCheck((b, v) => b.reduceMax(v.x, [1, 3], false), [{ name: 'x', dims: [3, 2, 4, 2, 2], data: tieFree(96, 11) }], {
      eps: 1e-4,
    });
    expectClose(r.maxRelError);
  });

  test('ReduceMax with tied maxima splits dy evenly among them', async () => {
    const x = Float32Array.from([0.5, 0.5, -1, 0.5, 2, 1, 2, 2]); // [2, 4]: three ties of 0.5, three of 2
    const r = await gradCheck((b, v) => b.reduceMax(v.x, [1], true), [{ name: 'x', dims: [2, 4], data: x }], {
      direction: (_, n, k) => {
        const shift = randomFloats(2, 200 + k); // move each row's tied maxima together
        return Float32Array.from({ length: n }, (_, i) => ([0.5, 2].includes(x[i]) ? shift[Math.floor(i / 4)] : 0));
      },
    });
    expectClose(r.maxRelError);
    const g = Array.from(r.grads.x);
    expect(g[2]).toBe(0);
    expect(g[5]).toBe(0);
    expect(Math.abs(g[0] - g[1]) + Math.abs(g[0] - g[3]) + Math.abs(g[4] - g[6]) + Math.abs(g[4] - g[7])).toBeLessThan(1e-7);
  });

  test('a max over two axes taken one ReduceMax at a time: ties share dy over both axes together', async () => {
    // [2, 2, 3, 2]: max over axes 1 and 3. Window (row 0, col 0) holds a three-way tie of 0.9.
    const x = Float32Array.from({ length: 24 }, (_, i) => 0.01 * i);
    for (const at of [0, 1, 6]) x[at] = 0.9; // (0,0,0,0), (0,0,0,1), (0,1,0,0): same window, three ties
    const build = (b: GraphBuilder, v: Record<string, Value>) => b.reduceMax(b.reduceMax(v.x, [1], false), [2], false);
    const r = await gradCheck(build, [{ name: 'x', dims: [2, 2, 3, 2], data: x }], {
      direction: (_, n, k) => Float32Array.from({ length: n }, (_, i) => ([0, 1, 6].includes(i) ? 0.3 + k : 0.1 * Math.sin(i + k))),
    });
    expectClose(r.maxRelError);
    const g = r.grads.x;
    expect(Math.abs(g[0] - g[1]) + Math.abs(g[0] - g[6])).toBeLessThan(1e-7); // a third each, not 1/4, 1/4, 1/2
    expect(g[7]).toBe(0);
  });

  test('Tanh, Reshape and a two-axis max, fused: tanh\' applied at the pooled resolution', async () => {
    const build = (b: GraphBuilder, v: Record<string, Value>) =>
      b.reduceMax(b.reduceMax(b.reshape(b.tanh(v.x), [4, 2, 3, 2, 2]), [1], false), [2], false);
    const r = await gradCheck(build, [{ name: 'x', dims: [8, 12], data: tieFree(96, 21) }], { eps: 1e-3 });
    expectClose(r.maxRelError);
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [8, 12]);
    const loss = b.reduceSum(build(b, { x }), [0, 1, 2], false);
    const before = b.nodes.length;
    gradients(b, loss, [x]);
    const subs = b.nodes.slice(before).filter((n) => n.opType === 'Sub');
    expect(subs.map((n) => n.outputs[0].shape)).toEqual([[4, 3, 2]]);
  });

  checks('Transpose');
  test('Transpose', async () => {
    const r = await gradCheck((b, v) => b.tanh(b.transpose(v.x, [2, 0, 1])), [{ name: 'x', dims: [2, 3, 4] }]);
    expectClose(r.maxRelError);
  });

  checks('ReduceSum', 'ReduceMean');
  test.each([
    ['ReduceSum', [1], false],
    ['ReduceSum', [0, 2], true],
    ['ReduceMean', [0, 1], false],
    ['ReduceMean', [2], true],
  ])('%s over axes %j keepdims=%s', async (op, axes, keep) => {
    const r = await gradCheck(
      (b, v) => (op === 'ReduceSum' ? b.reduceSum(v.x, axes as number[], keep as boolean) : b.reduceMean(v.x, axes as number[], keep as boolean)),
      [{ name: 'x', dims: [2, 3, 4] }],
    );
    expectClose(r.maxRelError);
  });

  test('fan-out: a value used twice gets the sum of both contributions', async () => {
    const r = await gradCheck((b, v) => b.mul(b.tanh(v.x), v.x), [{ name: 'x', dims: [3, 3] }]);
    expectClose(r.maxRelError);
  });
});

