import { GradRule } from '../grad-rule';

// y = ln(1 + e^x);  dx = dy * sigmoid(x)
export const Softplus: GradRule = ({ b, dy, input }) => [b.mul(dy, b.sigmoid(input(0)))];
