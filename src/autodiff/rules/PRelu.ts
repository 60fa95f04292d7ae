import { GradRule, unbroadcast } from '../grad-rule';

// y = x for x > 0, slope * x otherwise;  dx = dy where x > 0, dy * slope otherwise;  dslope = dy * x where x <= 0 (summed to slope's shape)
export const PRelu: GradRule = ({ b, dy, input, needs }) => {
  const [x, slope] = [input(0), input(1)];
  const positive = b.greater(x, b.f32(0, 'zero'));
  const zero = b.sub(dy, dy);
  return [
    needs(0) ? b.where(positive, dy, b.mul(dy, slope)) : null,
    needs(1) ? unbroadcast(b, b.where(positive, zero, b.mul(dy, x)), slope) : null,
  ];
};
