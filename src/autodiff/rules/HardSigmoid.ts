import { GradRule } from '../grad-rule';

const floatAttr = (a: { kind: string; value: unknown } | undefined, dflt: number) => (a?.kind === 'float' ? (a.value as number) : dflt);

// y = max(0, min(1, alpha x + beta));  dx = dy * alpha where 0 < alpha x + beta < 1, else 0
export const HardSigmoid: GradRule = ({ b, dy, input, node }) => {
  const alpha = floatAttr(node.attrs.alpha, 0.2);
  const z = b.add(b.mul(input(0), b.f32(alpha, 'alpha')), b.f32(floatAttr(node.attrs.beta, 0.5), 'beta'));
  const inside = b.mul(b.cast(b.greater(z, b.f32(0, 'zero')), 'float32'), b.cast(b.less(z, b.f32(1, 'one')), 'float32'));
  return [b.mul(dy, b.mul(inside, b.f32(alpha, 'alpha')))];
};
