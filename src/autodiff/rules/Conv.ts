import { GradRule, intAttr, intsAttr, staticDims } from '../grad-rule';

// Y = conv(X, W) + B (2-D, group 1);  dX = convTranspose(dY, W),
// dW[co,ci] = sum_n X[n,ci] (*) dY[n,co] = transpose(conv(X^T, dY^T, dilations = strides)),  dB = sum_{n,h,w} dY
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
  const dW = () => {
    const xT = b.transpose(x, [1, 0, 2, 3]); // [Cin, N, H, W]
    const dyT = b.transpose(dy, [1, 0, 2, 3]); // [Cout, N, h, w]: used as the kernel
    const g = b.conv(xT, dyT, null, { pads, dilations: strides }); // [Cin, Cout, kh, kw]
    return b.transpose(g, [1, 0, 2, 3]);
  };
  const dB = () => b.reduceSum(dy, [0, 2, 3], false);
  return [needs(0) ? dX() : null, needs(1) ? dW() : null, node.inputs[2] && needs(2) ? dB() : null];
};
