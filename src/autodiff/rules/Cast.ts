import { GradRule } from '../grad-rule';

// y = cast(x) between float types (float32 here);  dx = dy
export const Cast: GradRule = ({ dy, input, node }) => {
  if (input(0).dtype !== 'float32' || node.outputs[0].dtype !== 'float32') throw new Error(`Cast '${node.name}': gradient passes only between float types`);
  return [dy];
};
