// Exporters compute reshape targets at run time: Shape -> Gather -> Unsqueeze -> Concat -> Reshape
// (PyTorch's x.view(x.size(0), -1)). On import that integer arithmetic is done once, on shapes
// whose sizes are known except the batch, which stays a symbol ('N'); what comes out is a constant.
import { Dim, Node } from '../graph/types';

/** A small integer tensor whose values are known at import time; a value may be a symbolic size. */
export interface ShapeTensor {
  dims: number[];
  values: Dim[];
}

const INT64_OPS = new Set(['Reshape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Cast', 'Identity', 'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Equal', 'Where']);

/** Whether `op` is integer arithmetic this file folds (when every input is known). */
export const foldable = (op: string) => INT64_OPS.has(op);

const intAttrOf = (node: Node, name: string, dflt: number) => {
  const a = node.attrs[name];
  return a?.kind === 'int' ? a.value : dflt;
};

const numbers = (t: ShapeTensor | undefined): number[] | undefined =>
  t && t.values.every((v) => typeof v === 'number') ? (t.values as number[]) : undefined;

/** Shape(x) for x of `shape` (start/end as opset 15 has them). */
export function shapeOf(node: Node, shape: Dim[]): ShapeTensor {
  const rank = shape.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const values = shape.slice(clamp(intAttrOf(node, 'start', 0)), clamp(intAttrOf(node, 'end', rank)));
  return { dims: [values.length], values };
}

function elementwise(op: string, a: ShapeTensor, b: ShapeTensor): ShapeTensor | undefined {
  if (a.values.length !== b.values.length && a.values.length !== 1 && b.values.length !== 1) return undefined;
  const long = a.values.length >= b.values.length ? a : b;
  const at = (t: ShapeTensor, i: number) => t.values[t.values.length === 1 ? 0 : i];
  const values = long.values.map((_, i) => {
    const [x, y] = [at(a, i), at(b, i)];
    if (op === 'Equal') return x === y ? 1 : typeof x === 'number' && typeof y === 'number' ? 0 : undefined;
    if (typeof x !== 'number' || typeof y !== 'number') {
      if (op === 'Mul' && (x === 1 || y === 1)) return x === 1 ? y : x;
      if ((op === 'Div' && y === 1) || ((op === 'Add' || op === 'Sub') && y === 0)) return x;
      return undefined;
    }
    switch (op) {
      case 'Add': return x + y;
      case 'Sub': return x - y;
      case 'Mul': return x * y;
      case 'Div': return Math.trunc(x / y);
      case 'Max': return Math.max(x, y);
      default: return Math.min(x, y);
    }
  });
  return values.every((v) => v !== undefined) ? { dims: long.dims, values: values as Dim[] } : undefined;
}

function slice(x: ShapeTensor, inputs: (ShapeTensor | undefined)[]): ShapeTensor | undefined {
  const [starts, ends, axes, steps] = inputs.map(numbers);
  if (!starts || !ends || x.dims.length !== 1 || (axes && axes.some((a) => a !== 0 && a !== -1))) return undefined;
  const step = steps?.[0] ?? 1;
  const n = x.values.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, step > 0 ? 0 : -1), step > 0 ? n : n - 1);
  const values: Dim[] = [];
  for (let i = clamp(starts[0]); step > 0 ? i < clamp(ends[0]) : i > clamp(ends[0]); i += step) values.push(x.values[i]);
  return { dims: [values.length], values };
}

/** The outputs of `node` from its known inputs, or undefined where this file cannot tell. */
export function foldNode(node: Node, inputs: (ShapeTensor | undefined)[]): ShapeTensor | undefined {
  const [x, y] = inputs;
  if (!x) return undefined;
  switch (node.opType) {
    case 'Identity':
      return x;
    case 'Cast':
      return [6, 7, 9].includes(intAttrOf(node, 'to', 7)) ? x : undefined; // int32, int64, bool: the same integers
    case 'Gather': {
      const idx = numbers(y);
      if (!idx || x.dims.length !== 1 || intAttrOf(node, 'axis', 0) !== 0) return undefined;
      const values = idx.map((i) => x.values[i < 0 ? i + x.values.length : i]);
      return values.some((v) => v === undefined) ? undefined : { dims: y!.dims, values };
    }
    case 'Unsqueeze':
      return x.dims.length === 0 ? { dims: [1], values: x.values } : undefined;
    case 'Squeeze':
      return x.values.length === 1 ? { dims: [], values: x.values } : undefined;
    case 'Concat': {
      if (inputs.some((t) => !t || t.dims.length !== 1)) return undefined;
      const values = inputs.flatMap((t) => t!.values);
      return { dims: [values.length], values };
    }
    case 'Slice':
      return slice(x, inputs.slice(1));
    case 'Reshape': {
      const to = numbers(y);
      if (!to || to.some((d) => d === 0)) return undefined;
      const known = to.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      return { dims: to.map((d) => (d === -1 ? x.values.length / known : d)), values: x.values };
    }
    case 'Where': {
      const [cond, a, b] = inputs;
      if (!cond || !a || !b || !numbers(cond)) return undefined;
      const pick = (t: ShapeTensor, i: number) => t.values[t.values.length === 1 ? 0 : i];
      return { dims: cond.dims, values: numbers(cond)!.map((c, i) => (c ? pick(a, i) : pick(b, i))) };
    }
    default:
      return y ? elementwise(node.opType, x, y) : undefined;
  }
}
