import { GradRule } from '../grad-rule';

// y = x;  dx = dy
export const Identity: GradRule = ({ dy }) => [dy];
