import { GradRule } from '../grad-rule';

// y = reshape(x, s);  dx = reshape(dy, shape(x))
export const Reshape: GradRule = ({ b, dy, input }) => [b.reshape(dy, b.reshapeTargetOf(input(0))), null];
