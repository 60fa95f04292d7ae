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

// Y = conv(X, W) + B (2-D, G groups);  dX = convTranspose(dY, W) (same strides, pads, groups),
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

  const dX = () => b.convTranspose(dy, w, { strides, pads, group, outputPadding: transposedConvPadding(x, dy, k, strides, pads, what) });
  // dW as GEMMs over (batch, output position): the patches under each output position are cut
  // out by a grouped Conv with one-hot kernels (im2col from a standard op), then per group g
  // dW[g, co, (ci,kh,kw)] = sum_{n,s} dY[n,g,co,s] * P[n,g,(ci,kh,kw),s].
  const dW = () => {
    const [cout, cinPerGroup, kh, kw] = staticDims(w, `${what} gradient`);
    const cin = cinPerGroup * group;
    const taps = kh * kw;
    const oneHot = new Float32Array(cin * taps * taps);
    for (let c = 0; c < cin; c++) for (let t = 0; t < taps; t++) oneHot[(c * taps + t) * taps + t] = 1;
    const unfold = b.constant('float32', [cin * taps, 1, kh, kw], oneHot, 'im2col_kernel');
    const patches = b.conv(x, unfold, null, { strides, pads, group: cin }); // [N, cin*taps, h, w]
    const positions = h * wOut;
    if (group === 1) {
      const P = b.reshape(b.transpose(b.reshape(patches, [-1, cin * taps, positions]), [1, 0, 2]), [cin * taps, -1]);
      const D = b.reshape(b.transpose(b.reshape(dy, [-1, cout, positions]), [1, 0, 2]), [cout, -1]);
      return b.reshape(b.gemm(D, P, null, { transB: true }), [cout, cinPerGroup, kh, kw]);
    }
    const P = b.reshape(b.transpose(b.reshape(patches, [-1, group, cinPerGroup * taps, positions]), [1, 0, 3, 2]), [group, -1, cinPerGroup * taps]);
    const D = b.reshape(b.transpose(b.reshape(dy, [-1, group, cout / group, positions]), [1, 2, 0, 3]), [group, cout / group, -1]);
    return b.reshape(b.matMul(D, P), [cout, cinPerGroup, kh, kw]); // [G, cout/G, cin/G*taps]
  };
  const dB = () => b.reduceSum(dy, [0, 2, 3], false);
  return [needs(0) ? dX() : null, needs(1) ? dW() : null, node.inputs[2] && needs(2) ? dB() : null];
};
