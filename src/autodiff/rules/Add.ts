import { GradRule, unbroadcast } from '../grad-rule';

// y = a + b;  da = dy, db = dy (each summed back over broadcast axes)
export const Add: GradRule = ({ b, dy, input, needs }) => [
  needs(0) ? unbroadcast(b, dy, input(0)) : null,
  needs(1) ? unbroadcast(b, dy, input(1)) : null,
];
