import { GradRule } from '../grad-rule';

// y = sqrt(x);  dx = dy / (2 y)
export const Sqrt: GradRule = ({ b, dy, output }) => [b.div(dy, b.mul(output(0), b.f32(2, 'two')))];
