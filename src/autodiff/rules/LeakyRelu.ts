import { AttrValue } from '../../graph/types';
import { GradRule } from '../grad-rule';

// y = x if x > 0 else alpha * x;  dx = dy * (x > 0 ? 1 : alpha)
export const LeakyRelu: GradRule = ({ b, dy, input, node }) => {
  const a: AttrValue | undefined = node.attrs.alpha;
  const alpha = a && a.kind === 'float' ? a.value : 0.01;
  const slope = b.where(b.greater(input(0), b.f32(0, 'zero')), b.f32(1, 'one'), b.f32(alpha, 'alpha'));
  return [b.mul(dy, slope)];
};
