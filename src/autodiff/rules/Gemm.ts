import { GradRule, intAttr, unbroadcast } from '../grad-rule';
import { AttrValue } from '../../graph/types';

// Y = op(A) op(B) + C, op(M) = M or M^T;  dA = dY op(B)^T (transposed back if transA),
// dB = op(A)^T dY (transposed back if transB),  dC = dY summed over broadcast axes
export const Gemm: GradRule = ({ b, dy, input, needs, node }) => {
  for (const name of ['alpha', 'beta']) {
    const a: AttrValue | undefined = node.attrs[name];
    if (a && a.kind === 'float' && a.value !== 1) throw new Error(`Gemm '${node.name}': gradient needs ${name} = 1`);
  }
  const tA = intAttr(node, 'transA', 0) === 1;
  const tB = intAttr(node, 'transB', 0) === 1;
  const [A, B] = [input(0), input(1)];
  // Each case is the product written so that Gemm's own transpose flags do the transposing.
  const dA = () =>
    !tA ? b.gemm(dy, B, null, { transB: !tB }) : b.gemm(B, dy, null, { transA: tB, transB: true });
  const dB = () =>
    !tB ? b.gemm(A, dy, null, { transA: !tA }) : b.gemm(dy, A, null, { transA: true, transB: tA });
  return [
    needs(0) ? dA() : null,
    needs(1) ? dB() : null,
    node.inputs[2] && needs(2) ? unbroadcast(b, dy, input(2)) : null,
  ];
};
