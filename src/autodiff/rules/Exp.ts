import { GradRule } from '../grad-rule';

// y = exp(x);  dx = dy * y
export const Exp: GradRule = ({ b, dy, output }) => [b.mul(dy, output(0))];
