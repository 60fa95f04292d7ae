import { GraphBuilder } from '../../graph/graph-builder';
import { Node, Value } from '../../graph/types';
import { GradRule, intsAttr, staticDims } from '../grad-rule';

// y = max over each k x k window (stride k);  dx = dy * [x == y] / (number of ties in the window)
// Ties are common (MNIST's zero background): splitting dy among them keeps the window's total equal to dy.
// Windows become channels with SpaceToDepth, so the mask is a broadcast compare; DepthToSpace puts them back.
// Any other window (overlapping, padded, ceil_mode): dx[argmax of each window] += dy, the argmax
// being MaxPool's Indices output (the first maximum, as PyTorch takes it), added with ScatterElements.
export const MaxPool: GradRule = ({ b, dy, node }) => [tiles(node) ? unpool(b, node, dy) : scatterToArgmax(b, node, dy)];

function tiles(node: Node): boolean {
  const x = node.inputs[0]!;
  const k = intsAttr(node, 'kernel_shape') ?? [];
  const strides = intsAttr(node, 'strides') ?? k.map(() => 1);
  const [H, W] = (x.shape ?? []).slice(2);
  const tiled = k.length === 2 && k[0] === k[1] && strides.every((s) => s === k[0]) && (intsAttr(node, 'pads') ?? []).every((p) => p === 0);
  return tiled && typeof H === 'number' && typeof W === 'number' && H % k[0] === 0 && W % k[0] === 0 && !(intsAttr(node, 'dilations') ?? []).some((d) => d !== 1);
}

function scatterToArgmax(b: GraphBuilder, node: Node, dy: Value): Value {
  const x = node.inputs[0]!;
  const dims = staticDims(x, `MaxPool '${node.name}' gradient`, 1);
  const [, indices] = b.op('MaxPool', [x], node.attrs, { outputs: 2, name: 'argmax_pool' });
  const flatZeros = b.reshape(b.sub(x, x), [-1]);
  const summed = b.op('ScatterElements', [flatZeros, b.reshape(indices, [-1]), b.reshape(dy, [-1])], { axis: { kind: 'int', value: 0 }, reduction: { kind: 'string', value: 'add' } })[0];
  return b.reshape(summed, [-1, ...dims]);
}

/** Route a pooled-resolution gradient `g` [N,C,h,w] back to the window maxima of the pool's input. */
export function unpool(b: GraphBuilder, node: Node, g: Value): Value {
  const x = node.inputs[0]!;
  const k = intsAttr(node, 'kernel_shape') ?? [];
  const strides = intsAttr(node, 'strides') ?? k.map(() => 1);
  const pads = intsAttr(node, 'pads') ?? [];
  const [C, H, W] = staticDims(x, `MaxPool '${node.name}' gradient`, 1);
  const tiled = k.length === 2 && k[0] === k[1] && strides.every((s) => s === k[0]) && pads.every((p) => p === 0);
  if (!tiled || H % k[0] !== 0 || W % k[0] !== 0 || node.outputs.length > 1) {
    throw new Error(`MaxPool '${node.name}': gradient supports square non-overlapping windows that tile the input, no Indices output`);
  }
  const s = k[0];
  const [h, w] = [H / s, W / s];
  const windows = b.reshape(b.spaceToDepth(x, s), [-1, s * s, C, h, w]); // [N, s*s, C, h, w]
  const isMax = b.cast(b.equal(windows, b.unsqueeze(node.outputs[0], [1])), 'float32');
  const ties = b.reduceSum(isMax, [1], true); // [N, 1, C, h, w], >= 1
  const share = b.div(b.unsqueeze(g, [1]), ties);
  const dWindows = b.reshape(b.mul(isMax, share), [-1, s * s * C, h, w]);
  return b.depthToSpace(dWindows, s);
}
