import { GradRule } from '../grad-rule';

// y = max(x, 0);  dx = dy * (x > 0)
export const Relu: GradRule = ({ b, dy, input }) => {
  const positive = b.cast(b.greater(input(0), b.f32(0, 'zero')), 'float32');
  return [b.mul(dy, positive)];
};
