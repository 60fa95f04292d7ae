import { GradRule } from '../grad-rule';

// y = x for x > 0, alpha (e^x - 1) otherwise;  dx = dy where x > 0, dy (y + alpha) otherwise
export const Elu: GradRule = ({ b, dy, input, output, node }) => {
  const alpha = node.attrs.alpha?.kind === 'float' ? node.attrs.alpha.value : 1;
  const positive = b.greater(input(0), b.f32(0, 'zero'));
  return [b.where(positive, dy, b.mul(dy, b.add(output(0), b.f32(alpha, 'alpha'))))];
};
