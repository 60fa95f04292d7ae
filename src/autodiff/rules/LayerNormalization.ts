import { GradRule, intAttr } from '../grad-rule';

// Over the axes from `axis` on: x^ = (x - mean) / sqrt(var + eps), y = x^ * scale + bias;
// g = dy * scale,  dx = (g - mean(g) - x^ * mean(g * x^)) / sqrt(var + eps),
// dscale = sum(dy * x^), dbias = sum(dy) (both summed over the axes before `axis`)
export const LayerNormalization: GradRule = ({ b, dy, input, needs, node }) => {
  const x = input(0);
  const rank = x.shape?.length;
  if (rank === undefined) throw new Error(`LayerNormalization '${node.name}': gradient needs the rank of '${x.name}'`);
  const axis = (intAttr(node, 'axis', -1) + rank) % rank;
  const normed = Array.from({ length: rank - axis }, (_, i) => axis + i);
  const leading = Array.from({ length: axis }, (_, i) => i);
  const eps = node.attrs.epsilon?.kind === 'float' ? node.attrs.epsilon.value : 1e-5;
  const centred = b.sub(x, b.reduceMean(x, normed, true));
  const invStd = b.div(b.f32(1, 'one'), b.sqrt(b.add(b.reduceMean(b.mul(centred, centred), normed, true), b.f32(eps, 'epsilon'))));
  const xHat = b.mul(centred, invStd);
  const dx = () => {
    const g = node.inputs[1] ? b.mul(dy, input(1)) : dy;
    const meanG = b.reduceMean(g, normed, true);
    const meanGx = b.reduceMean(b.mul(g, xHat), normed, true);
    return b.mul(b.sub(b.sub(g, meanG), b.mul(xHat, meanGx)), invStd);
  };
  const perFeature = (v: typeof dy) => (leading.length ? b.reduceSum(v, leading, false) : v);
  return [needs(0) ? dx() : null, needs(1) ? perFeature(b.mul(dy, xHat)) : null, needs(2) ? perFeature(dy) : null];
};
