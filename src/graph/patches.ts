// Convolution patches on batch-last images: one row of N per pixel, stored column-major
// ([C, W, H, N]: pixel (c, y, x) in row c*W*H + x*H + y) or row-major ([C, H, W, N]). Here: the
// im2col table that a Gather uses to cut the patches out, and its adjoint (col2im), which adds each
// patch gradient back onto its pixels.
//
// The table's rows are (c, i, j) = (channel, kernel row, kernel column), the weight's own order;
// its columns (ox, oy) are output positions, column-major like the images. The patch gradient
// [(c, i, j), (ox, oy, n)] then has (j, ox) side by side, so col2im runs as two small 0/1 MatMuls:
// (j, ox) -> x, a transpose, (i, oy) -> y. That is deterministic, unlike ScatterND with reduction
// 'add', whose ONNX Runtime CPU kernel adds repeated indices from several threads at once.
import { GraphBuilder } from './graph-builder';
import { Value } from './types';

export interface PatchGeometry {
  channels: number;
  height: number;
  width: number;
  kernel: [number, number];
  strides: [number, number];
  /** How the input image is stored; the convolution's output is always column-major. */
  inputOrder: ImageOrder;
}

export type ImageOrder = 'rows' | 'columns';

export const outputSize = (g: PatchGeometry): [number, number] => [
  Math.floor((g.height - g.kernel[0]) / g.strides[0]) + 1,
  Math.floor((g.width - g.kernel[1]) / g.strides[1]) + 1,
];

/** Tables made by patchRows, so that a Gather's gradient can tell an im2col table from any other. */
const geometries = new WeakMap<BigInt64Array, PatchGeometry>();

/** Row (c, i, j), column (ox, oy): the row of pixel (c, oy*sh + i, ox*sw + j). Shape [C*kh*kw, OW*OH]. */
export function patchRows(g: PatchGeometry): BigInt64Array {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.strides;
  const [oh, ow] = outputSize(g);
  const rows = new BigInt64Array(g.channels * kh * kw * ow * oh);
  let at = 0;
  for (let c = 0; c < g.channels; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let ox = 0; ox < ow; ox++)
          for (let oy = 0; oy < oh; oy++) {
            const [y, x] = [oy * sh + i, ox * sw + j];
            rows[at++] = BigInt(g.inputOrder === 'columns' ? (c * g.width + x) * g.height + y : (c * g.height + y) * g.width + x);
          }
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

/** col2im: patch gradients [C*kh*kw, OW*OH, N] (as patchRows orders them) -> pixel gradients [C*H*W, N] in the input's order. */
export function foldPatches(b: GraphBuilder, dPatches: Value, g: PatchGeometry): Value {
  const { channels: C, height: H, width: W } = g;
  const [kh, kw] = g.kernel;
  const [oh, ow] = outputSize(g);
  const colsFold = b.constant('float32', [W, kw * ow], foldMatrix(W, kw, ow, g.strides[1]), 'col2im_columns');
  const rowsFold = b.constant('float32', [H, kh * oh], foldMatrix(H, kh, oh, g.strides[0]), 'col2im_rows');
  // (c, i) | (j, ox) | (oy, n)  ->  (c, i) | x | (oy, n)
  const byColumn = b.matMul(colsFold, b.reshape(dPatches, [C * kh, kw * ow, -1]));
  // (c, i, x, oy, n) -> (c, x) | (i, oy) | n  ->  (c, x) | y | n
  const xFirst = b.reshape(b.transpose(b.reshape(byColumn, [C, kh, W, oh, -1]), [0, 2, 1, 3, 4]), [C * W, kh * oh, -1]);
  const columns = b.matMul(rowsFold, xFirst); // (c, x) | y | n
  return b.reshape(g.inputOrder === 'columns' ? columns : b.transpose(b.reshape(columns, [C, W, H, -1]), [0, 2, 1, 3]), [C * W * H, -1]);
}
