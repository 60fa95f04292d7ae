import { GradRule } from '../grad-rule';

// y = erf(x);  dx = dy * 2 / sqrt(pi) * exp(-x^2)
export const Erf: GradRule = ({ b, dy, input }) => {
  const x = input(0);
  return [b.mul(dy, b.mul(b.f32(2 / Math.sqrt(Math.PI), 'two_over_sqrt_pi'), b.exp(b.neg(b.mul(x, x)))))];
};
