import { GradRule } from '../grad-rule';

// y = 1 / (1 + exp(-x));  dx = dy * y * (1 - y)
export const Sigmoid: GradRule = ({ b, dy, output }) => {
  const y = output(0);
  return [b.mul(dy, b.mul(y, b.sub(b.f32(1, 'one'), y)))];
};
