import { GradRule, intAttr } from '../grad-rule';

// y = exp(x) / sum(exp(x), axis);  dx = y * (dy - sum(dy * y, axis))
export const Softmax: GradRule = ({ b, dy, output, node }) => {
  const y = output(0);
  const axis = intAttr(node, 'axis', -1);
  return [b.mul(y, b.sub(dy, b.reduceSum(b.mul(dy, y), [axis], true)))];
};
