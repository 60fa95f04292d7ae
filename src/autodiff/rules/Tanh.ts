import { GradRule } from '../grad-rule';

// y = tanh(x);  dx = dy * (1 - y^2)
export const Tanh: GradRule = ({ b, dy, output }) => {
  const y = output(0);
  return [b.mul(dy, b.sub(b.f32(1, 'one'), b.mul(y, y)))];
};
