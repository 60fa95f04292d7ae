// Output dtype and (where it can be told statically) shape of each op the project emits.
// Gradient rules read these shapes, so they must agree with ONNX semantics exactly.
import { AttrValue, DType, Dim, Shape, Tensor, Value } from './types';

export interface OutputInfo {
  dtype: DType;
  shape?: Shape;
}

export interface InferenceContext {
  inputs: (Value | null)[];
  attrs: Record<string, AttrValue>;
  /** The contents of an input when it is a constant (needed for Reshape, axes, ...). */
  constantOf(v: Value | null): Tensor | undefined;
  /** When an input was produced by Shape(t) and t's shape is known: that shape (symbols kept). */
  shapeHeldBy(v: Value | null): Shape | undefined;
}

type Rule = (c: InferenceContext) => OutputInfo[];

const intAttr = (c: InferenceContext, name: string, dflt: number): number => {
  const a = c.attrs[name];
  return a && a.kind === 'int' ? a.value : dflt;
};
const intsAttr = (c: InferenceContext, name: string): number[] | undefined => {
  const a = c.attrs[name];
  return a && a.kind === 'ints' ? a.value : undefined;
};
const constInts = (c: InferenceContext, i: number): number[] | undefined => {
  const t = c.constantOf(c.inputs[i] ?? null);
  return t ? Array.from(t.data as BigInt64Array, Number) : undefined;
};
const first = (c: InferenceContext): Value => {
  const v = c.inputs[0];
  if (!v) throw new Error('shape inference: missing first input');
  return v;
};
const same: Rule = (c) => [{ dtype: first(c).dtype, shape: first(c).shape }];

function broadcast(shapes: (Shape | undefined)[]): Shape | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes as Shape[]) {
      const e = s[i - (rank - s.length)];
      if (e === undefined || e === 1) continue;
      if (d === 1) d = e;
      else if (d !== e) return undefined; // symbolic vs static: cannot tell statically
    }
    out.push(d);
  }
  return out;
}
const elementwise: Rule = (c) => [
  { dtype: first(c).dtype, shape: broadcast(c.inputs.map((v) => v?.shape)) },
];
const comparison: Rule = (c) => [{ dtype: 'bool', shape: broadcast(c.inputs.map((v) => v?.shape)) }];

const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Spatial size of a sliding window: floor((in + padBegin + padEnd - dilation*(k-1) - 1) / stride) + 1. */
function windowOut(inp: Dim, k: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceil = false): Dim {
  if (typeof inp !== 'number') return k === 1 && stride === 1 && padBegin === 0 && padEnd === 0 ? inp : `${inp}'`; // a window of one: the same size
  const span = inp + padBegin + padEnd - dilation * (k - 1) - 1;
  if (!ceil) return Math.floor(span / stride) + 1;
  // ceil_mode: a last window that starts inside the input (or its begin padding) counts.
  const out = Math.ceil(span / stride) + 1;
  return (out - 1) * stride >= inp + padBegin ? out - 1 : out;
}

/** MaxPool / AveragePool: [N, C, ...spatial] -> [N, C, ...windows] (MaxPool's optional Indices: int64, the same shape). */
function pool(c: InferenceContext): OutputInfo[] {
  const x = first(c);
  if (!x.shape) return [{ dtype: x.dtype }];
  const k = intsAttr(c, 'kernel_shape')!;
  const n = k.length;
  const strides = intsAttr(c, 'strides') ?? k.map(() => 1);
  const pads = intsAttr(c, 'pads') ?? [...k, ...k].map(() => 0);
  const dilations = intsAttr(c, 'dilations') ?? k.map(() => 1);
  const ceil = intAttr(c, 'ceil_mode', 0) === 1;
  const spatial = k.map((kk, i) => windowOut(x.shape![2 + i], kk, strides[i], pads[i], pads[i + n], dilations[i], ceil));
  const shape = [x.shape[0], x.shape[1], ...spatial];
  return [{ dtype: x.dtype, shape }, { dtype: 'int64', shape }];
}

function reduce(c: InferenceContext, axes: number[] | undefined): OutputInfo[] {
  const x = first(c);
  const keep = intAttr(c, 'keepdims', 1) === 1;
  if (!x.shape) return [{ dtype: x.dtype }];
  const rank = x.shape.length;
  const all = axes === undefined || axes.length === 0;
  const set = new Set((axes ?? []).map((a) => normAxis(a, rank)));
  const shape: Shape = [];
  x.shape.forEach((d, i) => {
    if (all || set.has(i)) {
      if (keep) shape.push(1);
    } else shape.push(d);
  });
  return [{ dtype: x.dtype, shape }];
}

/** A dim as coefficient times a symbol: 5 -> (5, none), 'N' -> (1, N), '64*N' -> (64, N). */
export function symbolic(d: Dim): { coef: number; symbol?: string } {
  if (typeof d === 'number') return { coef: d };
  const m = /^(\d+)\*(.+)$/.exec(d);
  return m ? { coef: Number(m[1]), symbol: m[2] } : { coef: 1, symbol: d };
}

/** coef * symbol, written as ONNX dim_param text ('N', '64*N') or a number. */
export const symbolicDim = (coef: number, symbol?: string): Dim => (symbol === undefined ? coef : coef === 1 ? symbol : `${coef}*${symbol}`);

/**
 * What a Reshape's -1 stands for: the input's element count divided by the other target dims,
 * when that is a whole number times at most one symbol (which the other target dims may not hold).
 */
function leftover(input: Shape | undefined, rest: Dim[]): Dim | undefined {
  if (!input) return undefined;
  const inSyms = input.map(symbolic);
  const restSyms = rest.map(symbolic);
  const symbols = new Set(inSyms.flatMap((s) => (s.symbol === undefined ? [] : [s.symbol])));
  if (symbols.size > 1 || inSyms.filter((s) => s.symbol !== undefined).length > 1) return undefined;
  const [symbol] = [...symbols];
  const restSymbols = restSyms.filter((s) => s.symbol !== undefined);
  if (restSymbols.length > 1 || (restSymbols.length === 1 && restSymbols[0].symbol !== symbol)) return undefined;
  const total = inSyms.reduce((p, s) => p * s.coef, 1);
  const divisor = restSyms.reduce((p, s) => p * s.coef, 1);
  if (total % divisor !== 0) return undefined;
  return restSymbols.length === 1 ? total / divisor : symbolicDim(total / divisor, symbol);
}

export const SHAPE_RULES: Record<string, Rule> = {
  Identity: same, Tanh: same, Relu: same, Neg: same, Exp: same, Log: same, Sqrt: same, Reciprocal: same,
  LogSoftmax: same, Softmax: same, Abs: same, Sigmoid: same, LeakyRelu: same, BatchNormalization: same,
  Erf: same, Clip: same, LayerNormalization: same, HardSigmoid: same, HardSwish: same, Max: elementwise, Min: elementwise,
  GreaterOrEqual: comparison, LessOrEqual: comparison, Elu: same, Softplus: same, Softsign: same, PRelu: same,
  LRN: same, InstanceNormalization: same,
  // Dropout -> (output, keep mask): the mask is bool.
  Dropout: (c) => [{ dtype: first(c).dtype, shape: first(c).shape }, { dtype: 'bool', shape: first(c).shape }],
  Add: elementwise, Sub: elementwise, Mul: elementwise, Div: elementwise, Pow: elementwise, Where: (c) => [
    { dtype: c.inputs[1]!.dtype, shape: broadcast(c.inputs.map((v) => v?.shape)) },
  ],
  Equal: comparison, Greater: comparison, Less: comparison, And: elementwise,
  Cast: (c) => {
    const to = intAttr(c, 'to', 1);
    const dtype: DType = to === 7 ? 'int64' : to === 9 ? 'bool' : 'float32';
    return [{ dtype, shape: first(c).shape }];
  },
  Shape: (c) => [{ dtype: 'int64', shape: first(c).shape ? [first(c).shape!.length] : undefined }],
  Size: () => [{ dtype: 'int64', shape: [] }],
  ConstantOfShape: (c) => {
    const dims = c.shapeHeldBy(c.inputs[0] ?? null) ?? constInts(c, 0);
    const v = c.attrs.value;
    const dtype = v && v.kind === 'tensor' ? v.value.dtype : 'float32';
    return [{ dtype, shape: dims }];
  },
  Conv: (c) => {
    const [x, w] = c.inputs as Value[];
    if (!x.shape || !w.shape) return [{ dtype: x.dtype }];
    const k = w.shape.slice(2) as number[];
    const n = k.length;
    const strides = intsAttr(c, 'strides') ?? k.map(() => 1);
    const dil = intsAttr(c, 'dilations') ?? k.map(() => 1);
    const pads = intsAttr(c, 'pads') ?? [...k, ...k].map(() => 0);
    const spatial = k.map((kk, i) => windowOut(x.shape![2 + i], kk, strides[i], pads[i], pads[i + n], dil[i]));
    return [{ dtype: x.dtype, shape: [x.shape[0], w.shape[0], ...spatial] }];
  },
  ConvTranspose: (c) => {
    const [x, w] = c.inputs as Value[];
    if (!x.shape || !w.shape) return [{ dtype: x.dtype }];
    const k = w.shape.slice(2) as number[];
    const n = k.length;
    const group = intAttr(c, 'group', 1);
    const strides = intsAttr(c, 'strides') ?? k.map(() => 1);
    const dil = intsAttr(c, 'dilations') ?? k.map(() => 1);
    const pads = intsAttr(c, 'pads') ?? [...k, ...k].map(() => 0);
    const outPad = intsAttr(c, 'output_padding') ?? k.map(() => 0);
    const spatial = k.map((kk, i) => {
      const d = x.shape![2 + i];
      // out = stride*(in-1) + output_padding + ((k-1)*dilation + 1) - padBegin - padEnd
      return typeof d === 'number'
        ? strides[i] * (d - 1) + outPad[i] + (kk - 1) * dil[i] + 1 - pads[i] - pads[i + n]
        : `${d}'`;
    });
    return [{ dtype: x.dtype, shape: [x.shape[0], (w.shape[1] as number) * group, ...spatial] }];
  },
  MaxPool: (c) => pool(c),
  AveragePool: (c) => pool(c),
  GlobalAveragePool: (c) => {
    const x = first(c);
    return [{ dtype: x.dtype, shape: x.shape && [...x.shape.slice(0, 2), ...x.shape.slice(2).map(() => 1)] }];
  },
  Concat: (c) => {
    const xs = c.inputs as Value[];
    const shapes = xs.map((v) => v.shape);
    if (shapes.some((s) => !s)) return [{ dtype: xs[0].dtype }];
    const axis = normAxis(intAttr(c, 'axis', 0), shapes[0]!.length);
    const sizes = shapes.map((s) => s![axis]);
    const joined: Dim = sizes.every((d) => typeof d === 'number') ? (sizes as number[]).reduce((p, d) => p + d, 0) : sizes.join('+');
    return [{ dtype: xs[0].dtype, shape: shapes[0]!.map((d, i) => (i === axis ? joined : d)) }];
  },
  // Slice with constant starts/ends/axes and positive steps, on static axes (clamped as ONNX says).
  Slice: (c) => {
    const x = first(c);
    const [starts, ends, axes] = [constInts(c, 1), constInts(c, 2), constInts(c, 3)];
    const steps = c.inputs[4] ? constInts(c, 4) : starts?.map(() => 1);
    if (!x.shape || !starts || !ends || !steps || steps.some((s) => s < 1)) return [{ dtype: x.dtype }];
    const shape = [...x.shape];
    (axes ?? starts.map((_, i) => i)).forEach((a, i) => {
      const axis = normAxis(a, shape.length);
      const d = shape[axis];
      if (typeof d !== 'number') { shape[axis] = `${d}'`; return; }
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      shape[axis] = Math.max(0, Math.ceil((clamp(ends[i]) - clamp(starts[i])) / steps[i]));
    });
    return [{ dtype: x.dtype, shape }];
  },
  Gemm: (c) => {
    const [a, b, bias] = c.inputs as Value[];
    if (!a.shape || !b.shape) return [{ dtype: a.dtype }];
    const m = intAttr(c, 'transA', 0) ? a.shape[1] : a.shape[0];
    const n = intAttr(c, 'transB', 0) ? b.shape[0] : b.shape[1];
    void bias;
    return [{ dtype: a.dtype, shape: [m, n] }];
  },
  // numpy matmul: [..., m, k] x [..., k, n] -> [...broadcast, m, n] (both operands of rank >= 2 here).
  MatMul: (c) => {
    const [a, b] = c.inputs as Value[];
    if (!a.shape || !b.shape || a.shape.length < 2 || b.shape.length < 2) return [{ dtype: a.dtype }];
    const batch = broadcast([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
    return [{ dtype: a.dtype, shape: batch && [...batch, a.shape[a.shape.length - 2], b.shape[b.shape.length - 1]] }];
  },
  Pad: (c) => {
    const x = first(c);
    const pads = constInts(c, 1);
    if (!x.shape || !pads) return [{ dtype: x.dtype }];
    const r = x.shape.length;
    const grow = (d: Dim, i: number): Dim => (pads[i] === 0 && pads[i + r] === 0 ? d : typeof d === 'number' ? d + pads[i] + pads[i + r] : `${d}+${pads[i] + pads[i + r]}`);
    return [{ dtype: x.dtype, shape: x.shape.map(grow) }];
  },
  Flatten: (c) => {
    const x = first(c);
    if (!x.shape) return [{ dtype: x.dtype }];
    const axis = normAxis(intAttr(c, 'axis', 1), x.shape.length);
    const prod = (ds: Shape): Dim =>
      ds.every((d) => typeof d === 'number') ? (ds as number[]).reduce((p, d) => p * d, 1) : ds.join('*');
    return [{ dtype: x.dtype, shape: [prod(x.shape.slice(0, axis)), prod(x.shape.slice(axis))] }];
  },
  Reshape: (c) => {
    const x = first(c);
    const held = c.shapeHeldBy(c.inputs[1] ?? null);
    if (held) return [{ dtype: x.dtype, shape: held }];
    const target = constInts(c, 1);
    if (!target) return [{ dtype: x.dtype }];
    const shape: Shape = target.map((d, i) => (d === 0 && x.shape ? x.shape[i] : d));
    const minus = shape.indexOf(-1);
    if (minus >= 0) {
      // -1 takes what is left: a number when every input dim is one, else `k*N` for the one symbol N.
      const left = leftover(x.shape, shape.filter((_, i) => i !== minus));
      if (left === undefined) return [{ dtype: x.dtype }];
      shape[minus] = left;
    }
    return [{ dtype: x.dtype, shape }];
  },
  Transpose: (c) => {
    const x = first(c);
    const perm = intsAttr(c, 'perm');
    if (!x.shape) return [{ dtype: x.dtype }];
    const p = perm ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
    return [{ dtype: x.dtype, shape: p.map((i) => x.shape![i]) }];
  },
  Unsqueeze: (c) => {
    const x = first(c);
    const axes = constInts(c, 1);
    if (!x.shape || !axes) return [{ dtype: x.dtype }];
    const rank = x.shape.length + axes.length;
    const set = new Set(axes.map((a) => normAxis(a, rank)));
    const shape: Shape = [];
    let j = 0;
    for (let i = 0; i < rank; i++) shape.push(set.has(i) ? 1 : x.shape[j++]);
    return [{ dtype: x.dtype, shape }];
  },
  // Squeeze: the given axes, or every axis of size 1.
  Squeeze: (c) => {
    const x = first(c);
    if (!x.shape) return [{ dtype: x.dtype }];
    const axes = c.inputs[1] ? constInts(c, 1) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    if (!axes) return [{ dtype: x.dtype }];
    const drop = new Set(axes.map((a) => normAxis(a, x.shape!.length)));
    const wide = [...drop].find((a) => typeof x.shape![a] === 'number' && x.shape![a] !== 1);
    if (wide !== undefined) throw new Error(`Squeeze: axis ${wide} of [${x.shape}] is not of size 1`);
    return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !drop.has(i)) }];
  },
  Expand: (c) => {
    const x = first(c);
    const dims = c.shapeHeldBy(c.inputs[1] ?? null) ?? constInts(c, 1);
    return [{ dtype: x.dtype, shape: dims ? broadcast([x.shape, dims]) : undefined }];
  },
  ReduceSum: (c) => reduce(c, constInts(c, 1)),
  ReduceMean: (c) => reduce(c, constInts(c, 1)),
  ReduceMax: (c) => reduce(c, constInts(c, 1)),
  ArgMax: (c) => {
    const x = first(c);
    const out = reduce({ ...c, inputs: [x] }, [intAttr(c, 'axis', 0)])[0];
    return [{ dtype: 'int64', shape: out.shape }];
  },
  Gather: (c) => {
    const x = first(c);
    const idx = c.inputs[1];
    if (!x.shape || !idx?.shape) return [{ dtype: x.dtype }];
    const axis = normAxis(intAttr(c, 'axis', 0), x.shape.length);
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
  },
  // Loop(M, cond, carried...) -> (final carried..., scan outputs stacked over iterations: length unknown here).
  Loop: (c) => {
    const body = c.attrs.body;
    if (!body || body.kind !== 'graph') throw new Error('shape inference: Loop needs a body graph');
    const carried = c.inputs.slice(2).map((v) => ({ dtype: v!.dtype, shape: v!.shape }));
    const scans = body.value.outputs.slice(1 + carried.length).map((v) => ({ dtype: v.dtype }));
    return [...carried, ...scans];
  },
  GatherElements: (c) => [{ dtype: first(c).dtype, shape: c.inputs[1]?.shape }],
  ScatterElements: same,
  SpaceToDepth: (c) => {
    const x = first(c);
    const b = intAttr(c, 'blocksize', 1);
    if (!x.shape) return [{ dtype: x.dtype }];
    const [n, ch, h, w] = x.shape;
    const div = (d: Dim) => (typeof d === 'number' ? d / b : `${d}/${b}`);
    return [{ dtype: x.dtype, shape: [n, typeof ch === 'number' ? ch * b * b : `${ch}*${b * b}`, div(h), div(w)] }];
  },
  DepthToSpace: (c) => {
    const x = first(c);
    const b = intAttr(c, 'blocksize', 1);
    if (!x.shape) return [{ dtype: x.dtype }];
    const [n, ch, h, w] = x.shape;
    const mul = (d: Dim) => (typeof d === 'number' ? d * b : `${d}*${b}`);
    return [{ dtype: x.dtype, shape: [n, typeof ch === 'number' ? ch / (b * b) : `${ch}/${b * b}`, mul(h), mul(w)] }];
  },
};
