import { GradRule } from '../grad-rule';

// y = squeeze(x, axes);  dx = reshape(dy, shape(x))
export const Squeeze: GradRule = ({ b, dy, input }) => [b.reshape(dy, b.reshapeTargetOf(input(0))), null];
