import { GradRule } from '../grad-rule';

// Y = A B (2-D, or a stack of products over the same leading dims);  dA = dY B^T,  dB = A^T dY
export const MatMul: GradRule = ({ b, dy, input, needs, node }) => {
  const [a, w] = [input(0), input(1)];
  const rank = a.shape?.length;
  if (rank === 2 && w.shape?.length === 2) {
    return [
      needs(0) ? b.gemm(dy, w, null, { transB: true }) : null,
      needs(1) ? b.gemm(a, dy, null, { transA: true }) : null,
    ];
  }
  const leading = (v: typeof a) => v.shape?.slice(0, -2);
  const stacked = rank !== undefined && rank > 2 && w.shape?.length === rank && leading(a)!.every((d, i) => d === leading(w)![i]);
  if (!stacked) throw new Error(`MatMul '${node.name}': gradient supports 2-D operands, or stacks of the same leading dims`);
  const swapLast = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return [
    needs(0) ? b.matMul(dy, b.transpose(w, swapLast)) : null,
    needs(1) ? b.matMul(b.transpose(a, swapLast), dy) : null,
  ];
};
