import { GradRule, spreadTargetOf, withReducedAxesKept } from '../grad-rule';

// y = sum(x, axes);  dx = expand(dy with the reduced axes kept as 1, shape(x))
export const ReduceSum: GradRule = ({ b, dy, input, node }) => [
  b.expand(withReducedAxesKept(b, node, dy), spreadTargetOf(b, node, input(0))),
  null,
];
