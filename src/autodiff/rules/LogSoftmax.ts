import { GradRule, intAttr } from '../grad-rule';

// y = x - log(sum(exp(x), axis));  dx = dy - exp(y) * sum(dy, axis)
export const LogSoftmax: GradRule = ({ b, dy, output, node }) => {
  const axis = intAttr(node, 'axis', -1);
  return [b.sub(dy, b.mul(b.exp(output(0)), b.reduceSum(dy, [axis], true)))];
};
