import { elementsAlong, GradRule, reducedAxes, spreadTargetOf, withReducedAxesKept } from '../grad-rule';

// y = mean(x, axes);  dx = expand(dy with the reduced axes kept as 1, shape(x)) / (number of elements averaged)
export const ReduceMean: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const spread = b.expand(withReducedAxesKept(b, node, dy), spreadTargetOf(b, node, x));
  return [b.div(spread, elementsAlong(b, x, reducedAxes(b, node))), null];
};
