import { GradRule, unbroadcast } from '../grad-rule';

// y = x broadcast to a shape;  dx = dy summed back over the broadcast axes
export const Expand: GradRule = ({ b, dy, input }) => [unbroadcast(b, dy, input(0)), null];
