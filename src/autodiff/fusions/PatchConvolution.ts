// A convolution lowered to a GEMM over patches (the batch-last graphs: training/graphs/
// batch-last-forward.ts):  P = Gather(X, im2col table) reshaped to [C*kh*kw, OW*OH*N],
// Y = A P (+ c),  A = W as [Cout, C*kh*kw].  Derived node by node, the image's gradient is a patch
// gradient A^T dY nine (or 25) times the image's size, folded back by col2im; at stride 1 this
// rule computes it as a convolution instead, with ONNX Runtime's Conv on [N, Cout, OH, OW]:
//   dX = conv(pad(dY, k - 1), W flipped in space, channels swapped)  (transposed to X's layout),
//   dA = dY P^T,  dc = sum of dY over columns  (as the Gemm rule).
import { GraphBuilder } from '../../graph/graph-builder';
import { patchGeometryOf } from '../../graph/patches';
import { Node, Value } from '../../graph/types';
import { intAttr, unbroadcast } from '../grad-rule';

export interface PatchConvolutionMatch {
  /** The gradients of the image (the Gather's input), A and c, those `needs` asks for, from dY. */
  rule: (dy: Value, needs: (v: Value) => boolean) => Map<Value, Value>;
}

/**
 * A = W [Cout, (c, i, j)] as the kernel of the image gradient's convolution over (x, y):
 * K[c, o, j, i] = W[o, c, kh-1-i, kw-1-j] (flipped in space, transposed in space, channels swapped),
 * one Gather of the flattened weights.
 */
function swappedKernel(b: GraphBuilder, A: Value, cout: number, C: number, kh: number, kw: number): Value {
  const from = new BigInt64Array(cout * C * kh * kw);
  let at = 0;
  for (let c = 0; c < C; c++)
    for (let o = 0; o < cout; o++)
      for (let j = 0; j < kw; j++) for (let i = 0; i < kh; i++) from[at++] = BigInt(((o * C + c) * kh + (kh - 1 - i)) * kw + (kw - 1 - j));
  const order = b.constant('int64', [C, cout, kw, kh], from, 'swapped_kernel');
  return b.gather(b.reshape(A, [-1]), order, 0);
}

/** The stride-1 patch convolution whose GEMM is `gemm`, or undefined. */
export function matchPatchConvolution(b: GraphBuilder, gemm: Node, isActive: (n: Node) => boolean): PatchConvolutionMatch | undefined {
  if (gemm.opType !== 'Gemm' || gemm.domain !== '' || intAttr(gemm, 'transA', 0) || intAttr(gemm, 'transB', 0)) return undefined;
  if (['alpha', 'beta'].some((k) => gemm.attrs[k])) return undefined;
  const producer = (v: Value | null) => b.nodes.find((n) => n.outputs.includes(v!));
  const onlyReadBy = (v: Value, reader: Node) => !b.outputs.includes(v) && b.nodes.every((n) => n === reader || !isActive(n) || !n.inputs.includes(v));
  const [A, P, c] = gemm.inputs;
  const reshape = producer(P);
  const gather = reshape?.opType === 'Reshape' ? producer(reshape.inputs[0]) : undefined;
  if (!A || !P || !reshape || !gather || gather.opType !== 'Gather' || intAttr(gather, 'axis', 0) !== 0) return undefined;
  const table = b.constantOf(gather.inputs[1]);
  const geometry = table && patchGeometryOf(table.data as BigInt64Array);
  if (!geometry || geometry.strides.some((s) => s !== 1) || !onlyReadBy(P, gemm) || !onlyReadBy(reshape.inputs[0]!, reshape)) return undefined;
  const X = gather.inputs[0]!;
  const { channels: C, height: H, width: W, kernel } = geometry;
  const cout = A.shape?.[0];
  if (typeof cout !== 'number') return undefined;
  const [oh, ow] = [H - kernel[0] + 1, W - kernel[1] + 1];
  // The convolution takes dY at every input position, the fold only at the output's: it pays where
  // they are about as many ("same" convolutions: the cnn's 3x3 at 28x28 and 14x14, 1.15 and 1.31
  // input positions per output position, step x0.95), not where the input is much larger (LeNet's
  // 5x5 on 12x12, 2.25: its step went from 14.1 to 18.2 ms).
  if ((H * W) / (oh * ow) > 1.5) return undefined;
  return {
    rule(dy, needs) {
      const grads = new Map<Value, Value>();
      if (needs(A)) grads.set(A, b.gemm(dy, P, null, { transB: true }));
      if (c && needs(c)) grads.set(c, unbroadcast(b, dy, c));
      if (needs(X)) {
        // dY's columns are (ox, oy, n): one 2-D transpose makes them images [N, Cout, OW, OH], which
        // the kernel transposed in space convolves as it convolves [N, Cout, OH, OW].
        const images = b.transpose(b.reshape(dy, [cout, ow, oh, -1]), [3, 0, 1, 2]);
        const [kh, kw] = kernel;
        const dImages = b.conv(images, swappedKernel(b, A, cout, C, kh, kw), null, { pads: [kw - 1, kh - 1, kw - 1, kh - 1] }); // [N, C, W, H]
        // Back to X's rows, (c, x, y) for a column-major image (a 2-D transpose), (c, y, x) for a row-major one.
        const perm = geometry.inputOrder === 'columns' ? [1, 2, 3, 0] : [1, 3, 2, 0];
        grads.set(X, b.reshape(b.transpose(dImages, perm), [C * H * W, -1]));
      }
      return grads;
    },
  };
}
