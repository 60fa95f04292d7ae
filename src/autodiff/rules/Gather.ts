import { GradRule, intAttr } from '../grad-rule';

// y[i, ...] = x[idx[i], ...] (axis 0);  dx[j, ...] = sum of dy[i, ...] over the i with idx[i] = j (a scatter-add)
export const Gather: GradRule = ({ b, dy, input, node }) => {
  if (intAttr(node, 'axis', 0) !== 0) throw new Error(`Gather '${node.name}': gradient supports axis 0 only`);
  const [x, idx] = [input(0), input(1)];
  // ScatterND wants the indices with a trailing axis of 1: a constant gets it built in, anything else an Unsqueeze.
  const known = b.constantOf(idx);
  const rank = idx.shape?.length;
  const indices = known
    ? b.constant('int64', [...known.dims, 1], known.data, `${idx.name}_nd`)
    : rank !== undefined ? b.unsqueeze(idx, [rank]) : undefined;
  if (!indices) throw new Error(`Gather '${node.name}': gradient needs the rank of the indices`);
  return [b.scatterNDAdd(b.zerosLike(x), indices, dy), null];
};
