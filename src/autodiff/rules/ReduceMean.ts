import { elementsAlong, GradRule, reducedAxes, spreadOver, withReducedAxesKept } from '../grad-rule';

// y = mean(x, axes);  dx = (dy with the reduced axes kept as 1, broadcast over x's shape) / (number of elements averaged)
export const ReduceMean: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const spread = spreadOver(b, node, x, withReducedAxesKept(b, node, dy));
  return [b.div(spread, elementsAlong(b, x, reducedAxes(b, node))), null];
};
