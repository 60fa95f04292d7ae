import { GradRule, unbroadcast } from '../grad-rule';

// y = a - b;  da = dy, db = -dy (each summed back over broadcast axes)
export const Sub: GradRule = ({ b, dy, input, needs }) => [
  needs(0) ? unbroadcast(b, dy, input(0)) : null,
  needs(1) ? unbroadcast(b, b.neg(dy), input(1)) : null,
];
