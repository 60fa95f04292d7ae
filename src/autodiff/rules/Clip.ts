import { GradRule } from '../grad-rule';

// y = min(max(x, lo), hi);  dx = dy * (lo < x < hi) (PyTorch's hardtanh/ReLU6: no gradient at the bounds),
// the two comparisons joined as bools (And) before the one Cast and Mul: 22 bytes moved per element, not 44.
export const Clip: GradRule = ({ b, dy, input, node, needs }) => {
  if (needs(1) || needs(2)) throw new Error(`Clip '${node.name}': its bounds take no gradient`);
  const x = input(0);
  const above = node.inputs[1] ? b.greater(x, input(1)) : undefined;
  const below = node.inputs[2] ? b.less(x, input(2)) : undefined;
  const inside = above && below ? b.and(above, below) : above ?? below;
  return [inside ? b.mul(dy, b.cast(inside, 'float32')) : dy, null, null];
};
