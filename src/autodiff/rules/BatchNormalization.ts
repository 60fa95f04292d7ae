import { GradRule, staticDims } from '../grad-rule';

// Inference mode (statistics fixed): y = (x - mean) * s + bias, s = scale / sqrt(var + eps), per channel;
// dx = dy * s,  dscale = sum(dy * (x - mean) / sqrt(var + eps)),  dbias = sum(dy) (sums over all axes but 1)
export const BatchNormalization: GradRule = ({ b, dy, input, needs, node }) => {
  const x = input(0);
  const rank = staticDims(x, `BatchNormalization '${node.name}' gradient`, 1).length + 1;
  const perChannel = [1, -1, ...Array(rank - 2).fill(1)];
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const eps = node.attrs.epsilon?.kind === 'float' ? node.attrs.epsilon.value : 1e-5;
  const invStd = b.reshape(b.div(b.f32(1, 'one'), b.sqrt(b.add(input(4), b.f32(eps, 'epsilon')))), perChannel);
  const dx = () => b.mul(dy, b.mul(invStd, b.reshape(input(1), perChannel)));
  const dScale = () => b.reduceSum(b.mul(dy, b.mul(b.sub(x, b.reshape(input(3), perChannel)), invStd)), axes, false);
  const dBias = () => b.reduceSum(dy, axes, false);
  if (needs(3) || needs(4)) throw new Error(`BatchNormalization '${node.name}': the running statistics take no gradient`);
  return [needs(0) ? dx() : null, needs(1) ? dScale() : null, needs(2) ? dBias() : null, null, null];
};
