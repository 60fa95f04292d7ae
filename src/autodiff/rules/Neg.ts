import { GradRule } from '../grad-rule';

// y = -x;  dx = -dy
export const Neg: GradRule = ({ b, dy }) => [b.neg(dy)];
