// The gradient of a max taken over several axes one ReduceMax at a time (x -> t -> y): the maxima
// of x are where x equals y, and tied maxima share dy evenly, counted over all reduced axes at
// once (as MaxPool's gradient counts ties over the whole window), not pair by pair.
import { GraphBuilder } from '../../graph/graph-builder';
import { Node, Value } from '../../graph/types';
import { intAttr } from '../grad-rule';

/** The axes of x that a ReduceMax pair reduces, and those its output has dropped (keepdims = 0). */
function reducedAxes(b: GraphBuilder, first: Node, second: Node) {
  const rank = first.inputs[0]?.shape?.length;
  const axesOf = (n: Node, r: number) => {
    const t = b.constantOf(n.inputs[1] ?? null);
    if (!t || !t.data.length) return undefined;
    return Array.from(t.data as BigInt64Array, (a) => (Number(a) + r) % r);
  };
  if (rank === undefined) return undefined;
  const a1 = axesOf(first, rank);
  const keep1 = intAttr(first, 'keepdims', 1) === 1;
  const remaining = [...Array(rank).keys()].filter((a) => keep1 || !a1?.includes(a));
  const a2 = axesOf(second, remaining.length)?.map((a) => remaining[a]);
  if (!a1 || !a2) return undefined;
  const dropped = [...(keep1 ? [] : a1), ...(intAttr(second, 'keepdims', 1) === 1 ? [] : a2)].sort((p, q) => p - q);
  return { stages: [a1, a2], dropped };
}

export const maxPairApplies = (b: GraphBuilder, first: Node, second: Node) => reducedAxes(b, first, second) !== undefined;

/**
 * d(loss)/dx for y = max of x over the axes of both ReduceMax nodes, given `g`, the gradient at y
 * already multiplied by whatever applies at the maxima only (see the Tanh fusion).
 */
export function maxPairGradient(b: GraphBuilder, first: Node, second: Node, g: Value): Value {
  const { stages, dropped } = reducedAxes(b, first, second)!;
  const kept = (v: Value) => (dropped.length ? b.unsqueeze(v, dropped) : v);
  return shareAmongMaxima(b, first.inputs[0]!, kept(second.outputs[0]), kept(g), stages);
}

/**
 * dx = g * [x == y] / (number of ties), with y and g the max and its gradient, their reduced axes
 * kept as size 1, and the ties counted over `stages` of axes one after the other (ONNX Runtime
 * reduces a single axis much faster than several at once).
 */
export function shareAmongMaxima(b: GraphBuilder, x: Value, y: Value, g: Value, stages: number[][]): Value {
  const isMax = b.cast(b.equal(x, y), 'float32');
  const ties = stages.reduce((sum, axes) => b.reduceSum(sum, axes, true), isMax);
  return b.mul(isMax, b.div(g, ties));
}
