import { GradRule, intAttr, intsAttr, staticDims } from '../grad-rule';

// Y = conv(X, W) + B (2-D, group 1);  dX = convTranspose(dY, W),
// dW[co,ci,kh,kw] = sum_{n,i,j} dY[n,co,i,j] X[n,ci,i*s+kh-p,j*s+kw-p] (a GEMM over im2col patches),  dB = sum_{n,h,w} dY
export const Conv: GradRule = ({ b, dy, input, needs, node }) => {
  const [x, w] = [input(0), input(1)];
  const k = staticDims(w, `Conv '${node.name}' gradient`).slice(2);
  if (k.length !== 2) throw new Error(`Conv '${node.name}': gradient supports 2-D convolutions only`);
  if (intAttr(node, 'group', 1) !== 1) throw new Error(`Conv '${node.name}': gradient supports group = 1 only`);
  if ((intsAttr(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) {
    throw new Error(`Conv '${node.name}': gradient supports dilation 1 only`);
  }
  const strides = intsAttr(node, 'strides') ?? [1, 1];
  const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
  const [H, W] = staticDims(x, `Conv '${node.name}' gradient`, 2);
  const [h, wOut] = staticDims(dy, `Conv '${node.name}' gradient`, 2);
  // The window must tile the padded input exactly, else dW would need a Slice.
  const exact = [H, W].every((size, i) => (size + pads[i] + pads[i + 2] - k[i]) === strides[i] * ([h, wOut][i] - 1));
  if (!exact) throw new Error(`Conv '${node.name}': gradient needs the strided window to cover the input exactly`);

  const dX = () => b.convTranspose(dy, w, { strides, pads });
  // dW as one GEMM over (batch, output position): the patches under each output position are cut
  // out by a grouped Conv with one-hot kernels (im2col from a standard op), then
  // dW[co, (ci,kh,kw)] = sum_{n,s} dY[n,co,s] * P[n,(ci,kh,kw),s].
  const dW = () => {
    const [cout, cin, kh, kw] = staticDims(w, `Conv '${node.name}' gradient`);
    const taps = kh * kw;
    const oneHot = new Float32Array(cin * taps * taps);
    for (let c = 0; c < cin; c++) for (let t = 0; t < taps; t++) oneHot[(c * taps + t) * taps + t] = 1;
    const unfold = b.constant('float32', [cin * taps, 1, kh, kw], oneHot, 'im2col_kernel');
    const patches = b.conv(x, unfold, null, { strides, pads, group: cin }); // [N, cin*taps, h, w]
    const positions = h * wOut;
    const P = b.reshape(b.transpose(b.reshape(patches, [-1, cin * taps, positions]), [1, 0, 2]), [cin * taps, -1]);
    const D = b.reshape(b.transpose(b.reshape(dy, [-1, cout, positions]), [1, 0, 2]), [cout, -1]);
    return b.reshape(b.gemm(D, P, null, { transB: true }), [cout, cin, kh, kw]);
  };
  const dB = () => b.reduceSum(dy, [0, 2, 3], false);
  return [needs(0) ? dX() : null, needs(1) ? dW() : null, node.inputs[2] && needs(2) ? dB() : null];
};
