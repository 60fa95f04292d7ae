import { patchGeometryOf, foldPatches } from '../../graph/patches';
import { GradRule, intAttr, staticDims } from '../grad-rule';

// y[p, ...] = x[idx[p], ...] (axis 0, constant idx);  dx[r, ...] = sum of dy[p, ...] over the p with idx[p] = r.
// Not ScatterND with reduction 'add': ONNX Runtime's CPU kernel adds repeated indices from several
// threads at once and loses updates. Instead each row r gathers its terms (a zero row pads the
// shorter lists) and ReduceSum adds them up; an im2col table has a cheaper exact adjoint (col2im).
export const Gather: GradRule = ({ b, dy, input, node }) => {
  if (intAttr(node, 'axis', 0) !== 0) throw new Error(`Gather '${node.name}': gradient supports axis 0 only`);
  const [x, idx] = [input(0), input(1)];
  const table = b.constantOf(idx);
  if (!table) throw new Error(`Gather '${node.name}': gradient needs constant indices`);
  const patches = patchGeometryOf(table.data as BigInt64Array);
  if (patches) return [b.reshape(foldPatches(b, dy, patches), b.reshapeTargetOf(x)), null];

  const [rows] = staticDims(x, `Gather '${node.name}' gradient`);
  const terms: number[][] = Array.from({ length: rows }, () => []);
  Array.from(table.data as BigInt64Array, Number).forEach((r, p) => terms[r < 0 ? r + rows : r].push(p));
  const count = table.data.length; // the index of the zero row appended below
  const most = Math.max(1, ...terms.map((t) => t.length));
  const lists = new BigInt64Array(most * rows);
  for (let k = 0; k < most; k++) for (let r = 0; r < rows; r++) lists[k * rows + r] = BigInt(terms[r][k] ?? count);
  const flat = b.reshape(dy, [count, -1]);
  const withZeroRow = b.pad(flat, [0, 0, 1, 0]);
  const gathered = b.gather(withZeroRow, b.constant('int64', [most, rows], lists, `${idx.name}_inverse`), 0); // [most, rows, rest]
  return [b.reshape(b.reduceSum(gathered, [0], false), b.reshapeTargetOf(x)), null];
};
