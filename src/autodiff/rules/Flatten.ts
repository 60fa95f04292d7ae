import { GradRule } from '../grad-rule';

// y = flatten(x);  dx = reshape(dy, shape(x))
export const Flatten: GradRule = ({ b, dy, input }) => [b.reshape(dy, b.reshapeTargetOf(input(0)))];
