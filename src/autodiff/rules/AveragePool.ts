import { GradRule, intAttr, intsAttr, staticDims } from '../grad-rule';
import { transposedConvPadding } from './Conv';

// y[n,c,i,j] = sum over window (i,j) of x[n,c,.,.] / (kh kw) (padding counted);
// dx = convTranspose(dy, W) with W[c,0,.,.] = 1 / (kh kw) per channel (group C, same strides and pads)
export const AveragePool: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const k = intsAttr(node, 'kernel_shape') ?? [];
  const strides = intsAttr(node, 'strides') ?? k.map(() => 1);
  const pads = intsAttr(node, 'pads') ?? [...k, ...k].map(() => 0);
  const padded = pads.some((p) => p !== 0);
  if (k.length !== 2 || intAttr(node, 'ceil_mode', 0) !== 0 || (padded && intAttr(node, 'count_include_pad', 0) !== 1)) {
    throw new Error(`AveragePool '${node.name}': gradient supports 2-D windows, floor rounding, and padding only with count_include_pad = 1`);
  }
  const [C] = staticDims(x, `AveragePool '${node.name}' gradient`, 1);
  const taps = k[0] * k[1];
  const share = b.constant('float32', [C, 1, k[0], k[1]], new Float32Array(C * taps).fill(1 / taps), 'average_kernel');
  const outputPadding = transposedConvPadding(x, dy, k, strides, pads, `AveragePool '${node.name}'`);
  return [b.convTranspose(dy, share, { strides, pads, group: C, outputPadding })];
};
