import { GraphBuilder } from '../../graph/graph-builder';
import { Value } from '../../graph/types';
import { GradRule, intAttr, intsAttr, staticDims } from '../grad-rule';

/**
 * The output_padding that makes convTranspose(dy) as large as x again: a strided window that does
 * not reach x's last rows/columns leaves them out of y (their gradient is zero), and the
 * transposed convolution must add them back.
 */
export function transposedConvPadding(x: Value, dy: Value, k: number[], strides: number[], pads: number[], what: string): number[] {
  const inSize = staticDims(x, `${what} gradient`, 2);
  const outSize = staticDims(dy, `${what} gradient`, 2);
  return inSize.map((size, i) => size - (strides[i] * (outSize[i] - 1) + k[i] - pads[i] - pads[i + k.length]));
}

/**
 * The input under each kernel tap at every output position: for tap (i, j), the padded input
 * sliced from (i, j) with the convolution's strides, [N, C, h, w]; the taps joined along the
 * channels, [N, taps * C, h, w] (tap-major).
 */
export function tapSlices(b: GraphBuilder, x: Value, k: number[], strides: number[], pads: number[], out: number[]): Value {
  const padded = pads.some((p) => p !== 0) ? b.pad(x, [0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]]) : x;
  const taps: Value[] = [];
  for (let i = 0; i < k[0]; i++) {
    for (let j = 0; j < k[1]; j++) {
      taps.push(b.slice(padded, [i, j], [i + strides[0] * (out[0] - 1) + 1, j + strides[1] * (out[1] - 1) + 1], [2, 3], strides));
    }
  }
  return taps.length === 1 ? taps[0] : b.concat(taps, 1);
}

/**
 * The input gradient of a stride-1, ungrouped convolution as a convolution itself: dY padded by
 * k - 1 - p on each side, correlated with the kernel flipped in space and its channel axes swapped.
 * ONNX Runtime runs a Conv image by image with its patches in cache; its ConvTranspose adds a
 * col2im pass per image (the cnn's conv2: 14.2 ms against 9.5 ms at batch 128). Undefined where
 * that does not apply (a stride, groups, or a padding wider than the kernel).
 */
function inputGradientAsConv(b: GraphBuilder, dy: Value, w: Value, k: number[], strides: number[], pads: number[], group: number): Value | undefined {
  const back = pads.map((p, i) => k[i % 2] - 1 - p);
  if (group !== 1 || strides.some((s) => s !== 1) || back.some((p) => p < 0)) return undefined;
  const reversed = (n: number) => b.constant('int64', [n], BigInt64Array.from({ length: n }, (_, i) => BigInt(n - 1 - i)), 'kernel_flip');
  const flipped = b.gather(b.gather(w, reversed(k[0]), 2), reversed(k[1]), 3);
  return b.conv(dy, b.transpose(flipped, [1, 0, 2, 3]), null, { pads: back });
}

// Y = conv(X, W) + B (2-D, G groups);  dX = convTranspose(dY, W) (same strides, pads, groups)
//   = conv(pad(dY, k-1-p), W flipped in space, channels swapped) at stride 1 without groups,
// dW[co,ci,kh,kw] = sum_{n,i,j} dY[n,co,i,j] X[n,g(co)*Cin/G+ci,i*s+kh-p,j*s+kw-p] (a GEMM over im2col patches per group),  dB = sum_{n,h,w} dY
export const Conv: GradRule = ({ b, dy, input, needs, node }) => {
  const [x, w] = [input(0), input(1)];
  const what = `Conv '${node.name}'`;
  const k = staticDims(w, `${what} gradient`).slice(2);
  if (k.length !== 2) throw new Error(`${what}: gradient supports 2-D convolutions only`);
  if ((intsAttr(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) throw new Error(`${what}: gradient supports dilation 1 only`);
  const group = intAttr(node, 'group', 1);
  const strides = intsAttr(node, 'strides') ?? [1, 1];
  const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
  const [h, wOut] = staticDims(dy, `${what} gradient`, 2);

  const dX = () =>
    inputGradientAsConv(b, dy, w, k, strides, pads, group) ??
    b.convTranspose(dy, w, { strides, pads, group, outputPadding: transposedConvPadding(x, dy, k, strides, pads, what) });
  // dW as GEMMs over (batch, output position): the patches under each output position are cut out
  // of the (padded) input by one strided Slice per kernel tap (im2col from standard ops that every
  // provider runs correctly), then per group g
  // dW[g, co, (kh,kw,ci)] = sum_{n,s} dY[n,g,co,s] * P[n,(kh,kw),g,ci,s], reordered to [co, ci, kh, kw].
  const dW = () => {
    const [cout, cinPerGroup, kh, kw] = staticDims(w, `${what} gradient`);
    const taps = kh * kw;
    const positions = h * wOut;
    const patches = b.reshape(tapSlices(b, x, [kh, kw], strides, pads, [h, wOut]), [-1, taps * cinPerGroup * group, positions]); // [N, (tap, ci), s]
    const coutPerGroup = cout / group;
    if (group === 1) {
      // Both operands as [rows, N*s]: transposes that move whole rows of s positions.
      const P = b.reshape(b.transpose(patches, [1, 0, 2]), [taps * cinPerGroup, -1]); // [(tap, ci), N*s]
      const D = b.reshape(b.transpose(b.reshape(dy, [-1, cout, positions]), [1, 0, 2]), [cout, -1]); // [cout, N*s]
      const perTap = b.gemm(D, P, null, { transB: true }); // [cout, (tap, ci)]
      return b.reshape(b.transpose(b.reshape(perTap, [cout, taps, cinPerGroup]), [0, 2, 1]), [cout, cinPerGroup, kh, kw]);
    }
    const D = b.reshape(b.transpose(b.reshape(dy, [-1, group, coutPerGroup, positions]), [1, 2, 0, 3]), [group, coutPerGroup, -1]); // [G, cout/G, N*s]
    const P = b.reshape(b.transpose(b.reshape(patches, [-1, taps, group, cinPerGroup, positions]), [2, 0, 4, 1, 3]), [group, -1, taps * cinPerGroup]); // [G, N*s, (tap, ci)]
    return b.reshape(b.transpose(b.reshape(b.matMul(D, P), [cout, taps, cinPerGroup]), [0, 2, 1]), [cout, cinPerGroup, kh, kw]);
  };
  const dB = () => b.reduceSum(dy, [0, 2, 3], false);
  return [needs(0) ? dX() : null, needs(1) ? dW() : null, node.inputs[2] && needs(2) ? dB() : null];
};
