import { GradRule, unbroadcast } from '../grad-rule';

// y = a / b;  da = dy / b,  db = -dy * a / b^2 = -dy * y / b (each summed back over broadcast axes)
export const Div: GradRule = ({ b, dy, input, output, needs }) => {
  const denominator = input(1);
  const dyOverB = b.div(dy, denominator);
  return [
    needs(0) ? unbroadcast(b, dyOverB, input(0)) : null,
    needs(1) ? unbroadcast(b, b.neg(b.mul(dyOverB, output(0))), denominator) : null,
  ];
};
