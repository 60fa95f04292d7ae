import { GradRule } from '../grad-rule';

// y = min(max(x, lo), hi);  dx = dy * (lo < x < hi) (PyTorch's hardtanh/ReLU6: no gradient at the bounds)
export const Clip: GradRule = ({ b, dy, input, node, needs }) => {
  if (needs(1) || needs(2)) throw new Error(`Clip '${node.name}': its bounds take no gradient`);
  const x = input(0);
  let inside = dy;
  if (node.inputs[1]) inside = b.mul(inside, b.cast(b.greater(x, input(1)), 'float32'));
  if (node.inputs[2]) inside = b.mul(inside, b.cast(b.less(x, input(2)), 'float32'));
  return [inside, null, null];
};
