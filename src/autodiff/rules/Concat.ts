import { GradRule, intAttr, staticDims } from '../grad-rule';

// y = concat(x_1, ..., x_k, axis);  dx_i = dy[..., offset_i : offset_i + size_i, ...] along axis
export const Concat: GradRule = ({ b, dy, input, needs, node }) => {
  const rank = node.inputs[0]?.shape?.length;
  if (rank === undefined) throw new Error(`Concat '${node.name}': gradient needs a known input rank`);
  const axis = (intAttr(node, 'axis', 0) + rank) % rank;
  let offset = 0;
  return node.inputs.map((_, i) => {
    const size = staticDims(input(i), `Concat '${node.name}' gradient`, axis)[0];
    const start = offset;
    offset += size;
    return needs(i) ? b.slice(dy, [start], [start + size], [axis]) : null;
  });
};
