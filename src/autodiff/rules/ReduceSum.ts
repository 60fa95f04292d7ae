import { GradRule, spreadOver, withReducedAxesKept } from '../grad-rule';

// y = sum(x, axes);  dx = dy with the reduced axes kept as 1, broadcast over x's shape
export const ReduceSum: GradRule = ({ b, dy, input, node }) => [spreadOver(b, node, input(0), withReducedAxesKept(b, node, dy)), null];
