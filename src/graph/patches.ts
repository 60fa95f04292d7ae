// Convolution patches on batch-last values ([C*H*W, N]: one row of N per input pixel): the im2col
// table that a Gather uses to cut them out, and its adjoint (col2im), which sums each patch
// gradient back onto the pixels it came from.
//
// The table's rows are ordered (c, j, i) = (channel, kernel column, kernel row), its columns
// (oy, ox) = output positions. col2im then runs as two small 0/1 MatMuls, one per spatial axis:
// rows (i, oy) -> y, then (j, ox) -> x. That is deterministic, unlike ScatterND with reduction 'add',
// whose ONNX Runtime CPU kernel updates repeated indices from several threads at once.
import { GraphBuilder } from './graph-builder';
import { Value } from './types';

export interface PatchGeometry {
  channels: number;
  height: number;
  width: number;
  kernel: [number, number];
  strides: [number, number];
}

export const outputSize = (g: PatchGeometry): [number, number] => [
  Math.floor((g.height - g.kernel[0]) / g.strides[0]) + 1,
  Math.floor((g.width - g.kernel[1]) / g.strides[1]) + 1,
];

/** Tables made by patchRows, so that a Gather's gradient can tell an im2col table from any other. */
const geometries = new WeakMap<BigInt64Array, PatchGeometry>();

/** Row (c, j, i), column (oy, ox): the input pixel c*H*W + (oy*sh + i)*W + ox*sw + j. Shape [C*kw*kh, OH*OW]. */
export function patchRows(g: PatchGeometry): BigInt64Array {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.strides;
  const [oh, ow] = outputSize(g);
  const rows = new BigInt64Array(g.channels * kw * kh * oh * ow);
  let at = 0;
  for (let c = 0; c < g.channels; c++)
    for (let j = 0; j < kw; j++)
      for (let i = 0; i < kh; i++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++) rows[at++] = BigInt(c * g.height * g.width + (oy * sh + i) * g.width + ox * sw + j);
  geometries.set(rows, g);
  return rows;
}

export const patchGeometryOf = (table: BigInt64Array): PatchGeometry | undefined => geometries.get(table);

/** The 0/1 matrix [size, k*out] that adds tap t at output position o onto input position o*stride + t. */
function foldMatrix(size: number, k: number, out: number, stride: number): Float32Array {
  const m = new Float32Array(size * k * out);
  for (let t = 0; t < k; t++) for (let o = 0; o < out; o++) m[(o * stride + t) * k * out + t * out + o] = 1;
  return m;
}

/** col2im: patch gradients [C*kw*kh, OH*OW, N] (rows as patchRows orders them) -> pixel gradients [C*H*W, N]. */
export function foldPatches(b: GraphBuilder, dPatches: Value, g: PatchGeometry): Value {
  const { channels: C, height: H, width: W } = g;
  const [kh, kw] = g.kernel;
  const [oh, ow] = outputSize(g);
  const rowsFold = b.constant('float32', [H, kh * oh], foldMatrix(H, kh, oh, g.strides[0]), 'col2im_rows');
  const colsFold = b.constant('float32', [W, kw * ow], foldMatrix(W, kw, ow, g.strides[1]), 'col2im_cols');
  // (c, j) | (i, oy) | (ox, n)  ->  (c, j) | y | (ox, n)
  const byRow = b.matMul(rowsFold, b.reshape(dPatches, [C * kw, kh * oh, -1]));
  // (c, j, y, ox, n) -> (c, y) | (j, ox) | n  ->  (c, y) | x | n
  const yFirst = b.reshape(b.transpose(b.reshape(byRow, [C, kw, H, ow, -1]), [0, 2, 1, 3, 4]), [C * H, kw * ow, -1]);
  return b.reshape(b.matMul(colsFold, yFirst), [C * H * W, -1]);
}
