// The contract of a gradient rule: one forward node in, one gradient (or null) per input out.
import { GraphBuilder } from '../graph/graph-builder';
import { AttrValue, Node, Shape, Value } from '../graph/types';

export interface GradContext {
  b: GraphBuilder;
  node: Node;
  /** Gradient of the loss w.r.t. output 0. */
  dy: Value;
  /** Forward input i (throws if it is an empty optional input). */
  input(i: number): Value;
  /** Forward output i. */
  output(i: number): Value;
  /** Whether input i needs a gradient (it depends on a parameter); rules skip the rest. */
  needs(i: number): boolean;
}

/** Returns one entry per forward input, in input order: its gradient, or null. */
export type GradRule = (ctx: GradContext) => (Value | null)[];

/**
 * A rule for a chain of nodes, each one's output 0 used only by the next: from the gradient of the
 * last node's output 0, the gradients of the first node's inputs (null where not needed).
 */
export interface FusedGradRule {
  /** Op types from the first node to the last. */
  chain: string[];
  /** Extra conditions, e.g. which inputs of the first node need a gradient. */
  applies?: (chain: Node[], needs: (i: number) => boolean, b: GraphBuilder) => boolean;
  rule: (ctx: { b: GraphBuilder; dy: Value; chain: Node[]; needs: (i: number) => boolean }) => (Value | null)[];
}

export function intAttr(node: Node, name: string, dflt: number): number {
  const a: AttrValue | undefined = node.attrs[name];
  return a && a.kind === 'int' ? a.value : dflt;
}

export function intsAttr(node: Node, name: string): number[] | undefined {
  const a = node.attrs[name];
  return a && a.kind === 'ints' ? a.value : undefined;
}

/**
 * The dims of `v` from axis `from` on, all of which must be static numbers (axes before `from`,
 * such as the batch, may be symbolic), or a clear error naming what needs them.
 */
export function staticDims(v: Value, what: string, from = 0): number[] {
  const dims = v.shape?.slice(from);
  if (!dims || dims.some((d) => typeof d !== 'number')) {
    throw new Error(`${what}: needs the static shape of '${v.name}' (got [${v.shape ?? '?'}])`);
  }
  return dims as number[];
}

/**
 * Sum a broadcast gradient back to the shape of the input it came from (numpy broadcasting:
 * leading axes that the input lacks, and axes where it has size 1).
 */
export function unbroadcast(b: GraphBuilder, grad: Value, target: Value): Value {
  const g: Shape | undefined = grad.shape;
  const t: Shape | undefined = target.shape;
  if (!g || !t) throw new Error(`cannot un-broadcast gradient of '${target.name}': shapes unknown`);
  if (g.length === t.length && g.every((d, i) => d === t[i])) return grad;
  const lead = g.length - t.length;
  const axes: number[] = [];
  for (let i = 0; i < g.length; i++) {
    if (i < lead || (t[i - lead] === 1 && g[i] !== 1)) axes.push(i);
  }
  // Only missing leading axes (e.g. a bias): summing them away gives the target shape directly.
  if (axes.every((a) => a < lead)) return b.reduceSum(grad, axes, false);
  const symbolic = t.some((d) => typeof d !== 'number');
  if (!symbolic) return b.reshape(b.reduceSum(grad, axes, true), staticDims(target, `un-broadcast to '${target.name}'`));
  // A target with a symbolic size (the batch, e.g. [N, 1]): sum its broadcast axes keeping them, then drop the leading ones.
  const kept = b.reduceSum(grad, axes.filter((a) => a >= lead), true);
  return lead ? b.reduceSum(kept, [...Array(lead).keys()], false) : kept;
}

/** The axes a ReduceSum/ReduceMean/ReduceMax node reduces, normalized and sorted (all when it has no axes input). */
export function reducedAxes(b: GraphBuilder, node: Node): number[] {
  const rank = node.inputs[0]?.shape?.length;
  if (rank === undefined) throw new Error(`${node.opType} '${node.name}': gradient needs a known input rank`);
  const axesInput = node.inputs[1] ?? null;
  if (!axesInput) return [...Array(rank).keys()];
  const axes = b.constantOf(axesInput);
  if (!axes) throw new Error(`${node.opType} '${node.name}': gradient needs constant axes`);
  return Array.from(axes.data as BigInt64Array, (a) => (Number(a) + rank) % rank).sort((p, q) => p - q);
}

/** x sliced to one element along every axis but `keep`: a small tensor that still has x's size there. */
function thinAlong(b: GraphBuilder, x: Value, keep: number[]): Value {
  const others = (x.shape ?? []).map((_, i) => i).filter((i) => !keep.includes(i));
  return others.length ? b.slice(x, others.map(() => 0), others.map(() => 1), others) : x;
}

/**
 * A reduction's gradient dy (reduced axes kept as 1) spread back over its input x: Expand to x's
 * shape, a constant; a symbolic reduced axis (the batch) is 1 in that constant, and zeros of
 * [N, 1, ...] cut from x are added to widen it. No Shape node: ONNX Runtime's optimizer turns
 * Shape(Transpose(..)) into int64 Gathers, which its WebGPU provider runs on the CPU.
 */
export function spreadOver(b: GraphBuilder, node: Node, x: Value, dy: Value): Value {
  const dims = x.shape;
  if (!dims) throw new Error(`${node.opType} '${node.name}': gradient needs the shape of '${x.name}'`);
  const symbolic = reducedAxes(b, node).filter((a) => typeof dims[a] !== 'number');
  const spread = b.expand(dy, b.i64(dims.map((d) => (typeof d === 'number' ? d : 1)), 'shape'));
  if (!symbolic.length) return spread;
  const thin = thinAlong(b, x, symbolic);
  return b.add(spread, b.sub(thin, thin)); // + zeros [N, 1, ...]: the batch axis back
}

/**
 * For ReduceSum/ReduceMean with keepdims = 0: put the reduced axes back as size 1 (Unsqueeze),
 * so that the gradient broadcasts against the input. With keepdims = 1, or when every axis
 * was reduced to a scalar, dy already broadcasts.
 */
export function withReducedAxesKept(b: GraphBuilder, node: Node, dy: Value): Value {
  if (intAttr(node, 'keepdims', 1) === 1 || !node.inputs[1]) return dy;
  const axes = reducedAxes(b, node);
  return axes.length ? b.unsqueeze(dy, axes) : dy;
}

/**
 * The number of elements along `axes` of x, as a float32 scalar: static sizes multiplied out, and a
 * symbolic one (the batch) counted from a one-element-wide slice of x along it, so that no int64
 * shape arithmetic enters the graph (ONNX Runtime's WebGPU provider runs none of it).
 */
export function elementsAlong(b: GraphBuilder, x: Value, axes: number[]): Value {
  const dims = x.shape;
  if (!dims) throw new Error(`counting elements of '${x.name}': its rank is unknown`);
  const staticCount = axes.reduce((p, a) => p * (typeof dims[a] === 'number' ? (dims[a] as number) : 1), 1);
  const symbolic = axes.filter((a) => typeof dims[a] !== 'number');
  if (!symbolic.length) return b.f32(staticCount, 'count');
  const thin = thinAlong(b, x, symbolic);
  const ones = b.add(b.sub(thin, thin), b.f32(1, 'one'));
  return b.mul(b.reduceSum(ones, dims.map((_, i) => i), false), b.f32(staticCount, 'count'));
}

/** Max or Min of two inputs: dy to the input `firstWins` (GreaterOrEqual or LessOrEqual) picks, summed back to its shape. */
export function toTheWinner({ b, dy, input, needs, node }: GradContext, firstWins: 'GreaterOrEqual' | 'LessOrEqual'): (Value | null)[] {
  if (node.inputs.length !== 2) throw new Error(`${node.opType} '${node.name}': gradient supports two inputs`);
  const first = b.cast(b.op(firstWins, [input(0), input(1)])[0], 'float32');
  return [
    needs(0) ? unbroadcast(b, b.mul(dy, first), input(0)) : null,
    needs(1) ? unbroadcast(b, b.mul(dy, b.sub(b.f32(1, 'one'), first)), input(1)) : null,
  ];
}
