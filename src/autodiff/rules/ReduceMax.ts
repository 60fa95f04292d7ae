import { GradRule, withReducedAxesKept } from '../grad-rule';

// y = max of x over axes;  dx = dy * [x == y] / (number of ties): ties share dy, as in MaxPool's gradient
export const ReduceMax: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const axes = b.constantOf(node.inputs[1] ?? null);
  if (!axes) throw new Error(`ReduceMax '${node.name}': gradient needs constant axes`);
  const list = Array.from(axes.data as BigInt64Array, Number);
  const isMax = b.cast(b.equal(x, withReducedAxesKept(b, node, node.outputs[0])), 'float32');
  const ties = b.reduceSum(isMax, list, true);
  return [b.mul(isMax, b.div(withReducedAxesKept(b, node, dy), ties)), null];
};
