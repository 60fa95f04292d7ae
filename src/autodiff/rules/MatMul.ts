import { GradRule } from '../grad-rule';

// Y = A B (2-D);  dA = dY B^T,  dB = A^T dY
export const MatMul: GradRule = ({ b, dy, input, needs, node }) => {
  const [a, w] = [input(0), input(1)];
  if (a.shape?.length !== 2 || w.shape?.length !== 2) {
    throw new Error(`MatMul '${node.name}': gradient supports 2-D operands only`);
  }
  return [
    needs(0) ? b.gemm(dy, w, null, { transB: true }) : null,
    needs(1) ? b.gemm(a, dy, null, { transA: true }) : null,
  ];
};
