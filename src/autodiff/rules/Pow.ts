import { GradRule, unbroadcast } from '../grad-rule';

// y = a^p;  da = dy * p * a^(p - 1),  dp = dy * y * ln(a)
export const Pow: GradRule = ({ b, dy, input, output, needs }) => {
  const [a, p] = [input(0), input(1)];
  const da = () => unbroadcast(b, b.mul(dy, b.mul(p, b.pow(a, b.sub(p, b.f32(1, 'one'))))), a);
  const dp = () => unbroadcast(b, b.mul(dy, b.mul(output(0), b.log(a))), p);
  return [needs(0) ? da() : null, needs(1) ? dp() : null];
};
