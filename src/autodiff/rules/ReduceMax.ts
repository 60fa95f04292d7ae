import { shareAmongMaxima } from '../fusions/max-over-axes';
import { GradRule, withReducedAxesKept } from '../grad-rule';

// y = max of x over axes;  dx = dy * [x == y] / (number of ties): ties share dy, as in MaxPool's gradient
export const ReduceMax: GradRule = ({ b, dy, input, node }) => {
  const axes = b.constantOf(node.inputs[1] ?? null);
  if (!axes) throw new Error(`ReduceMax '${node.name}': gradient needs constant axes`);
  const kept = (v: typeof dy) => withReducedAxesKept(b, node, v);
  return [shareAmongMaxima(b, input(0), kept(node.outputs[0]), kept(dy), [Array.from(axes.data as BigInt64Array, Number)]), null];
};
