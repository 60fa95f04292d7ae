import { GradRule, unbroadcast } from '../grad-rule';

// y = a * b;  da = dy * b, db = dy * a (each summed back over broadcast axes)
export const Mul: GradRule = ({ b, dy, input, needs }) => [
  needs(0) ? unbroadcast(b, b.mul(dy, input(1)), input(0)) : null,
  needs(1) ? unbroadcast(b, b.mul(dy, input(0)), input(1)) : null,
];
