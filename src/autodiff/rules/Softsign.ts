import { GradRule } from '../grad-rule';

// y = x / (1 + |x|);  dx = dy / (1 + |x|)^2
export const Softsign: GradRule = ({ b, dy, input }) => {
  const denominator = b.add(b.f32(1, 'one'), b.op('Abs', [input(0)])[0]);
  return [b.div(dy, b.mul(denominator, denominator))];
};
