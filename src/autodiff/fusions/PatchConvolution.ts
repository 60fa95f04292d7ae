// A convolution lowered to products over patches (the batch-last graphs: training/graphs/
// batch-last-forward.ts):  P = Gather(X, im2col table) reshaped to [C*kh*kw, OW*OH*N],
// Y = A P (+ c) with A = W as [Cout, C*kh*kw]; grouped, Y_g = A_g P_g per group (one MatMul over
// the stack).  Derived node by node, the image's gradient is a patch gradient A^T dY nine (or 25)
// times the image's size, folded back by col2im. At stride 1 this rule computes it as a
// convolution instead, with ONNX Runtime's Conv on [N, Cout, OW, OH]:
//   dX = conv(pad(dY, k - 1), W flipped in space, channels swapped per group)  (transposed to X's layout),
//   dA = dY P^T,  dc = sum of dY over columns  (as the Gemm and MatMul rules);
// where the table is the identity (a 1x1 kernel on a column-major image), dX = A^T dY.
import { GraphBuilder } from '../../graph/graph-builder';
import { patchGeometryOf } from '../../graph/patches';
import { Node, Value } from '../../graph/types';
import { intAttr, unbroadcast } from '../grad-rule';
import { MatMul } from '../rules/MatMul';

export interface PatchConvolutionMatch {
  /** The gradients of the image (the Gather's input), A and c, those `needs` asks for, from dY. */
  rule: (dy: Value, needs: (v: Value) => boolean) => Map<Value, Value>;
}

/**
 * The kernel of the image gradient's convolution over (x, y), from A = W [Cout, (ci, i, j)] with
 * G groups: K[g*Cin/G + ci, o, j, i] = W[g*Cout/G + o, ci, kh-1-i, kw-1-j] (flipped in space,
 * transposed in space, channels swapped within each group), one Gather of the flattened weights.
 */
function swappedKernel(b: GraphBuilder, A: Value, cout: number, cin: number, [kh, kw]: [number, number], group: number): Value {
  const [coutG, cinG] = [cout / group, cin / group];
  const from = new BigInt64Array(cout * cinG * kh * kw);
  let at = 0;
  for (let g = 0; g < group; g++)
    for (let ci = 0; ci < cinG; ci++)
      for (let o = 0; o < coutG; o++)
        for (let j = 0; j < kw; j++) for (let i = 0; i < kh; i++) from[at++] = BigInt((((g * coutG + o) * cinG + ci) * kh + (kh - 1 - i)) * kw + (kw - 1 - j));
  const order = b.constant('int64', [cin, coutG, kw, kh], from, 'swapped_kernel');
  return b.gather(b.reshape(A, [-1]), order, 0);
}

const isIdentity = (table: BigInt64Array) => table.every((r, i) => r === BigInt(i));

/**
 * Where X is a zero-padded image flattened (Reshape of a constant Pad on the two spatial axes of
 * [C, W, H, N] or [C, H, W, N], at most k - 1 on each side), the image inside and the padding as
 * [left, top, right, bottom]: the gradient convolution then lands on the image directly, with no
 * padded border to compute and crop.
 */
function zeroPadding(b: GraphBuilder, X: Value, gather: Node, isActive: (n: Node) => boolean, order: 'rows' | 'columns', [kh, kw]: [number, number]) {
  const producer = (v: Value) => b.nodes.find((n) => n.outputs.includes(v));
  const readBy = (v: Value) => b.nodes.filter((n) => isActive(n) && n.inputs.includes(v));
  const flat = producer(X);
  const pad = flat?.opType === 'Reshape' ? producer(flat.inputs[0]!) : undefined;
  if (!flat || !pad || pad.opType !== 'Pad' || pad.inputs[2] || b.outputs.includes(X) || b.outputs.includes(flat.inputs[0]!)) return undefined;
  if (readBy(X).some((n) => n !== gather) || readBy(flat.inputs[0]!).some((n) => n !== flat)) return undefined;
  const amounts = b.constantOf(pad.inputs[1]);
  if (!amounts || (pad.attrs.mode && pad.attrs.mode.kind === 'string' && pad.attrs.mode.value !== 'constant')) return undefined;
  const p = Array.from(amounts.data as BigInt64Array, Number); // [c, a1, a2, n] begins, then ends
  if (p.length !== 8 || p[0] || p[3] || p[4] || p[7]) return undefined;
  // Axis 1 is x for a column-major image, y for a row-major one.
  const [left, top, right, bottom] = order === 'columns' ? [p[1], p[2], p[5], p[6]] : [p[2], p[1], p[6], p[5]];
  if (left > kw - 1 || right > kw - 1 || top > kh - 1 || bottom > kh - 1) return undefined;
  return { image: pad.inputs[0]!, pads: [left, top, right, bottom] };
}

/** The stride-1 patch convolution whose product (a Gemm, or a grouped MatMul) is `product`, or undefined. */
export function matchPatchConvolution(b: GraphBuilder, product: Node, isActive: (n: Node) => boolean): PatchConvolutionMatch | undefined {
  if (product.domain !== '') return undefined;
  const gemm = product.opType === 'Gemm';
  if (gemm && (intAttr(product, 'transA', 0) || intAttr(product, 'transB', 0) || ['alpha', 'beta'].some((k) => product.attrs[k]))) return undefined;
  if (!gemm && product.opType !== 'MatMul') return undefined;
  const producer = (v: Value | null) => b.nodes.find((n) => n.outputs.includes(v!));
  const onlyReadBy = (v: Value, reader: Node) => !b.outputs.includes(v) && b.nodes.every((n) => n === reader || !isActive(n) || !n.inputs.includes(v));
  const [A, P, c] = product.inputs;
  // P: the patches through one Reshape (two for the grouped stack), each value read by the next node only.
  const path: Node[] = [];
  let gather: Node | undefined;
  for (let v = P, reader = product; v; ) {
    const n = producer(v);
    if (!n || !onlyReadBy(v, reader)) return undefined;
    if (n.opType === 'Gather') {
      gather = n;
      break;
    }
    if (n.opType !== 'Reshape' || path.length === 2) return undefined;
    path.push(n);
    [v, reader] = [n.inputs[0]!, n];
  }
  if (!A || !P || !gather || intAttr(gather, 'axis', 0) !== 0) return undefined;
  const tableValues = b.constantOf(gather.inputs[1])?.data as BigInt64Array | undefined;
  const geometry = tableValues && patchGeometryOf(tableValues);
  if (!geometry || geometry.strides.some((s) => s !== 1)) return undefined;
  const { channels: C, height: H, width: W, kernel } = geometry;
  const group = gemm ? 1 : A.shape?.[0];
  const cout = gemm ? A.shape?.[0] : (A.shape?.[0] as number) * (A.shape?.[1] as number);
  if (typeof group !== 'number' || typeof cout !== 'number' || (group > 1 && C !== group)) return undefined; // grouped: one input channel per group
  const identity = isIdentity(tableValues);
  const [oh, ow] = [H - kernel[0] + 1, W - kernel[1] + 1];
  // The convolution takes dY at every input position, the fold only at the output's: it pays where
  // they are about as many ("same" convolutions: the cnn's 3x3 at 28x28 and 14x14, 1.15 and 1.31
  // input positions per output position, step x0.95), not where the input is much larger (LeNet's
  // 5x5 on 12x12, 2.25: its step went from 14.1 to 18.2 ms).
  if (!identity && (H * W) / (oh * ow) > 1.5) return undefined;
  const X = gather.inputs[0]!;
  const padding = zeroPadding(b, X, gather, isActive, geometry.inputOrder, kernel);
  return {
    rule(dy, needs) {
      const grads = new Map<Value, Value>();
      if (needs(A)) {
        const dA = gemm ? b.gemm(dy, P, null, { transB: true }) : MatMul({ b, dy, node: product, needs: (k) => k === 0, input: (k) => product.inputs[k]!, output: (k) => product.outputs[k] })[0]!;
        grads.set(A, dA);
      }
      if (c && needs(c)) grads.set(c, unbroadcast(b, dy, c));
      if (!needs(X)) return grads;
      if (identity) {
        // The patches are the image itself: dX = A^T dY, in X's shape.
        grads.set(X, b.reshape(b.gemm(A, dy, null, { transA: true }), [C * H * W, -1]));
        return grads;
      }
      const [kh, kw] = kernel;
      // Over the zero-padded image, or (where X is one) straight onto the image inside the padding.
      const [left, top, right, bottom] = padding?.pads ?? [0, 0, 0, 0];
      const pads = [kw - 1 - left, kh - 1 - top, kw - 1 - right, kh - 1 - bottom];
      const target = padding?.image ?? X;
      const K = swappedKernel(b, A, cout, C, kernel, group); // [C, Cout/G, kw, kh]
      if (group === 1 && geometry.inputOrder === 'columns') {
        // dY as it lies, [Cout, OW, OH, N], is one 3-D image whose last axis the kernel [kw, kh, 1]
        // does not mix: the gradient comes out as X lies, [C, W, H, N], with no transposes. (Grouped,
        // ONNX Runtime's WebGPU provider has no 3-D Conv: those take the transposes below.)
        const volume = b.reshape(dy, [1, cout, ow, oh, -1]);
        const dVolume = b.conv(volume, b.reshape(K, [C, cout, kw, kh, 1]), null, { pads: [pads[0], pads[1], 0, pads[2], pads[3], 0] });
        grads.set(target, b.reshape(dVolume, b.reshapeTargetOf(target)));
        return grads;
      }
      // dY's columns are (ox, oy, n): one 2-D transpose makes them images [N, Cout, OW, OH], which
      // the kernel transposed in space convolves as it convolves [N, Cout, OH, OW].
      const images = b.transpose(b.reshape(dy, [cout, ow, oh, -1]), [3, 0, 1, 2]);
      const dImages = b.conv(images, K, null, { pads, group }); // [N, C, W, H]
      // Back to X's rows, (c, x, y) for a column-major image (a 2-D transpose), (c, y, x) for a row-major one.
      const perm = geometry.inputOrder === 'columns' ? [1, 2, 3, 0] : [1, 3, 2, 0];
      grads.set(target, b.reshape(b.transpose(dImages, perm), b.reshapeTargetOf(target)));
      return grads;
    },
  };
}
