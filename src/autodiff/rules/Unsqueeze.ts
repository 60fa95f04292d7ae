import { GradRule } from '../grad-rule';

// y = unsqueeze(x, axes);  dx = reshape(dy, shape(x))
export const Unsqueeze: GradRule = ({ b, dy, input }) => [b.reshape(dy, b.reshapeTargetOf(input(0))), null];
