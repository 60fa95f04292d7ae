import { GradRule, withReducedAxesKept } from '../grad-rule';

// y = mean(x, axes);  dx = expand(dy with the reduced axes kept as 1, shape(x)) * size(y) / size(x)
export const ReduceMean: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const spread = b.expand(withReducedAxesKept(b, node, dy), b.shapeOf(x));
  const count = b.div(b.cast(b.size(x), 'float32'), b.cast(b.size(dy), 'float32'));
  return [b.div(spread, count), null];
};
