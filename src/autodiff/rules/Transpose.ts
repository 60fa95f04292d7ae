import { GradRule, intsAttr } from '../grad-rule';

// y = transpose(x, perm), y[..i..] = x[..perm..];  dx = transpose(dy, perm^-1)
export const Transpose: GradRule = ({ b, dy, input, node }) => {
  const rank = input(0).shape?.length;
  const perm = intsAttr(node, 'perm') ?? (rank === undefined ? undefined : [...Array(rank).keys()].reverse());
  if (!perm) throw new Error(`Transpose '${node.name}': gradient needs perm or the input's rank`);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [b.transpose(dy, inverse)];
};
