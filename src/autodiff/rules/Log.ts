import { GradRule } from '../grad-rule';

// y = ln(x);  dx = dy / x
export const Log: GradRule = ({ b, dy, input }) => [b.div(dy, input(0))];
