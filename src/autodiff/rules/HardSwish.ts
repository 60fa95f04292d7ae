import { GradRule } from '../grad-rule';

// y = x * max(0, min(1, x / 6 + 1/2));  dx = dy * (0 for x < -3, x / 3 + 1/2 for -3 <= x <= 3, 1 for x > 3) (PyTorch's)
export const HardSwish: GradRule = ({ b, dy, input }) => {
  const x = input(0);
  const ramp = b.add(b.div(x, b.f32(3, 'three')), b.f32(0.5, 'half'));
  const above = b.cast(b.greater(x, b.f32(3, 'three')), 'float32');
  const middle = b.mul(b.cast(b.op('GreaterOrEqual', [x, b.f32(-3, 'minus_three')])[0], 'float32'), b.sub(b.f32(1, 'one'), above));
  return [b.mul(dy, b.add(b.mul(ramp, middle), above))];
};
