// The patch convolution's rule (autodiff/fusions/PatchConvolution.ts): a GEMM over im2col patches
// (the batch-last graphs' convolution) whose image gradient is one Conv instead of a patch gradient
// folded back. Central differences for both image orders, a non-square kernel and a bias; where it
// applies (the cnn's stride-1 "same" convolutions) and where the fold stays (LeNet, strides).
import { cnn } from '../../model/cnn.onnx-builder';
import { lenet } from '../../model/lenet.onnx-builder';
import { gradients } from '../../src/autodiff/backward';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { ImageOrder, outputSize, patchRows } from '../../src/graph/patches';
import { Value } from '../../src/graph/types';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { gradCheck } from '../helpers/gradcheck';

const [C, N, COUT] = [2, 3, 3];

/** y = A Gather(X, im2col table) (+ c), as batch-last-forward.ts lowers a convolution. */
function patchConvolution(b: GraphBuilder, v: Record<string, Value>, [H, W]: number[], kernel: [number, number], strides: [number, number], order: ImageOrder, bias: boolean): Value {
  const geometry = { channels: C, height: H, width: W, kernel, strides, inputOrder: order };
  const [oh, ow] = outputSize(geometry);
  const taps = C * kernel[0] * kernel[1];
  const table = b.constant('int64', [taps, oh * ow], patchRows(geometry), 'patch_rows');
  const patches = b.reshape(b.gather(v.x, table, 0), [taps, -1]);
  return b.tanh(b.gemm(v.a, patches, bias ? v.c : null, {}));
}

const inputs = ([H, W]: number[], kernel: [number, number]) => [
  { name: 'x', dims: [C * H * W, N] },
  { name: 'a', dims: [COUT, C * kernel[0] * kernel[1]] },
  { name: 'c', dims: [COUT, 1] },
];

// Image sizes where the rule applies: at most 1.5 input positions per output position.
test.each([
  ['column-major 10x9 image, 3x2 kernel', [10, 9], [3, 2], 'columns'],
  ['row-major 10x9 image, 2x3 kernel', [10, 9], [2, 3], 'rows'],
  ['column-major 12x12 image, 3x3 kernel', [12, 12], [3, 3], 'columns'],
] as const)('image, kernel and bias gradients match central differences (%s)', async (_, image, kernel, order) => {
  expect(backwardOps((b, v) => patchConvolution(b, v, [...image], [...kernel], [1, 1], order, true), [...image], [...kernel])).toContain('Conv');
  const r = await gradCheck((b, v) => patchConvolution(b, v, [...image], [...kernel], [1, 1], order, true), inputs([...image], [...kernel]));
  expect(r.maxRelError).toBeLessThan(2e-3);
});

const MULTIPLIER = 2;

/** Depthwise, MULTIPLIER outputs per channel: Y_g = A_g P_g over the stack of G = C groups, as batch-last-forward.ts lowers a grouped Conv. */
function depthwise(b: GraphBuilder, v: Record<string, Value>, [H, W]: number[], kernel: [number, number], order: ImageOrder): Value {
  const geometry = { channels: C, height: H, width: W, kernel, strides: [1, 1] as [number, number], inputOrder: order };
  const [oh, ow] = outputSize(geometry);
  const taps = C * kernel[0] * kernel[1];
  const table = b.constant('int64', [taps, oh * ow], patchRows(geometry), 'patch_rows');
  const patches = b.reshape(b.gather(v.x, table, 0), [taps, -1]);
  const products = b.matMul(b.reshape(v.a, [C, MULTIPLIER, taps / C]), b.reshape(patches, [C, taps / C, -1]));
  return b.tanh(b.reshape(products, [C * MULTIPLIER, -1]));
}

test.each([
  ['depthwise (2 outputs per channel), column-major 12x11 image, 3x3 kernel', [12, 11], [3, 3], 'columns'],
  ['depthwise (2 outputs per channel), row-major 11x12 image, 3x2 kernel', [11, 12], [3, 2], 'rows'],
] as const)('grouped: image and kernel gradients match central differences (%s)', async (_, image, kernel, order) => {
  const spec = [{ name: 'x', dims: [C * image[0] * image[1], N] }, { name: 'a', dims: [C * MULTIPLIER, kernel[0] * kernel[1]] }];
  const build = (b: GraphBuilder, v: Record<string, Value>) => depthwise(b, v, [...image], [...kernel], order);
  const b = new GraphBuilder('g');
  const v = Object.fromEntries(spec.map((i) => [i.name, b.input(i.name, 'float32', i.dims)]));
  const before = b.nodes.length;
  gradients(b, b.reduceSum(build(b, v), [0, 1], false), Object.values(v));
  expect(b.nodes.slice(before).filter((n) => n.opType === 'Conv').map((n) => n.attrs.group)).toEqual([{ kind: 'int', value: C }]);
  const r = await gradCheck(build, spec);
  expect(r.maxRelError).toBeLessThan(2e-3);
});

/** The image zero-padded first ([left, top, right, bottom]), as batch-last-forward.ts lowers a padded Conv. */
function paddedConvolution(b: GraphBuilder, v: Record<string, Value>, [H0, W0]: number[], [left, top, right, bottom]: number[], kernel: [number, number], order: ImageOrder): Value {
  const [H, W] = [H0 + top + bottom, W0 + left + right];
  const image = order === 'columns'
    ? b.pad(b.reshape(v.x, [C, W0, H0, -1]), [0, left, top, 0, 0, right, bottom, 0])
    : b.pad(b.reshape(v.x, [C, H0, W0, -1]), [0, top, left, 0, 0, bottom, right, 0]);
  const geometry = { channels: C, height: H, width: W, kernel, strides: [1, 1] as [number, number], inputOrder: order };
  const [oh, ow] = outputSize(geometry);
  const taps = C * kernel[0] * kernel[1];
  const table = b.constant('int64', [taps, oh * ow], patchRows(geometry), 'patch_rows');
  const patches = b.reshape(b.gather(b.reshape(image, [C * H * W, -1]), table, 0), [taps, -1]);
  return b.tanh(b.gemm(v.a, patches, v.c, {}));
}

test.each([
  ['column-major 12x11 image, 3x3 kernel, padding 1, 0, 0, 2', [12, 11], [1, 0, 0, 2], [3, 3], 'columns', true],
  ['row-major 8x9 image, 3x2 kernel, padding 1, 2, 0, 0', [8, 9], [1, 2, 0, 0], [3, 2], 'rows', true],
  ['column-major 12x12 image, 3x3 kernel, padding 3 on the left (wider than the kernel: a padded border)', [12, 12], [3, 0, 0, 0], [3, 3], 'columns', false],
] as const)('a padded image: gradients match central differences, the padding not computed where it can be skipped (%s)', async (_, image, pads, kernel, order, skipsPadding) => {
  const build = (b: GraphBuilder, v: Record<string, Value>) => paddedConvolution(b, v, [...image], [...pads], [...kernel], order);
  const ops = backwardOps(build, image as unknown as number[], [...kernel]);
  expect(ops).toContain('Conv');
  expect(!ops.includes('Slice')).toBe(skipsPadding); // the Pad's own gradient crops a padded border
  const r = await gradCheck(build, inputs([...image], [...kernel]));
  expect(r.maxRelError).toBeLessThan(2e-3);
});

test('a 1x1 kernel on a column-major image (an identity table): the image gradient is A^T dY, no Conv and no fold', async () => {
  const build = (b: GraphBuilder, v: Record<string, Value>) => patchConvolution(b, v, [4, 3], [1, 1], [1, 1], 'columns', true);
  const ops = backwardOps(build, [4, 3], [1, 1]);
  expect(ops).not.toContain('Conv');
  expect(ops).not.toContain('MatMul');
  const r = await gradCheck(build, inputs([4, 3], [1, 1]));
  expect(r.maxRelError).toBeLessThan(2e-3);
});

/** The ops the backward pass of `build` emits. */
function backwardOps(build: (b: GraphBuilder, v: Record<string, Value>) => Value, image: number[], kernel: [number, number]): string[] {
  const b = new GraphBuilder('g');
  const v = Object.fromEntries(inputs(image, kernel).map((i) => [i.name, b.input(i.name, 'float32', i.dims)]));
  const y = b.reduceSum(build(b, v), [0, 1], false);
  const before = b.nodes.length;
  gradients(b, y, Object.values(v));
  return b.nodes.slice(before).map((n) => n.opType);
}

test('the image gradient is one Conv at stride 1; a strided one, or one whose input is much larger than its output, keeps the fold', () => {
  const rule = backwardOps((b, v) => patchConvolution(b, v, [10, 9], [3, 2], [1, 1], 'columns', true), [10, 9], [3, 2]);
  expect(rule.filter((t) => t === 'Conv')).toHaveLength(1);
  expect(rule).not.toContain('MatMul');
  const strided = backwardOps((b, v) => patchConvolution(b, v, [10, 10], [2, 2], [2, 2], 'columns', true), [10, 10], [2, 2]);
  expect(strided).not.toContain('Conv');
  expect(strided).toContain('MatMul');
  const small = backwardOps((b, v) => patchConvolution(b, v, [5, 4], [3, 2], [1, 1], 'columns', true), [5, 4], [3, 2]);
  expect(small).not.toContain('Conv');
  const count = (model: typeof cnn, op: string) => buildTrainingStep(model).graph.nodes.filter((n) => n.opType === op).length;
  // The cnn: conv2 and conv3 (conv1's input, the images, takes no gradient); LeNet's 5x5 on 12x12 folds.
  expect(count(cnn, 'Conv')).toBe(2);
  expect(count(lenet, 'Conv')).toBe(0);
});
