// Training-mode batch normalization written as standard ops (graph/layers.ts batchStatisticsNorm,
// and the batch-last graphs' re-emission of it):
//   M = mean(X), C = X - M, V = mean(C * C), N = C / sqrt(V + eps), y = N * S + B
// where mean() is the same chain of Reshape/ReduceMean nodes for M and V. Derived op by op, its
// backward pass makes about a dozen passes over the activation; this rule makes five:
//   dX = (S / D) * (dy - mean(dy) - N * mean(dy * N)),  D = sqrt(V + eps)
//   dS = sum(dy * N),  dB = sum(dy)   (over the statistics' axes, in the forward mean's stages),
//   mean(dy) = dB / n,  mean(dy * N) = dS / n   (n: the elements each channel's statistics are over)
// It applies only where the pattern is exact: every value inside it used by its own nodes alone
// (or by nodes that do not reach the loss, such as the running statistics' update).
import { GraphBuilder } from '../../graph/graph-builder';
import { Node, Value } from '../../graph/types';
import { elementsAlong } from '../grad-rule';

/** A matched batch normalization: its inputs that take gradients, and the rule that gives them. */
export interface BatchStatisticsNormMatch {
  /** The gradients of the pattern's inputs X, S and B (those `needs` asks for), from dy. */
  rule: (dy: Value, needs: (v: Value) => boolean) => Map<Value, Value>;
}

const sameShape = (a: Value, b: Value) => !!a.shape && !!b.shape && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape![i]);

/** The same value, or reshapes of the same value. */
function throughReshapes(v: Value, producer: (v: Value) => Node | undefined): { root: Value; path: Node[] } {
  const path: Node[] = [];
  for (let n = producer(v); n && n.opType === 'Reshape'; n = producer(v)) {
    path.push(n);
    v = n.inputs[0]!;
  }
  return { root: v, path };
}

/**
 * The nodes of a mean over some axes, from `end` back to the value it reduces (the first of `stops`
 * it meets, where that value is itself a Reshape's output: a grouped convolution's, say): Reshapes
 * (to constant shapes) and ReduceMeans (over constant axes), at least one ReduceMean.
 */
function meanChain(end: Value, producer: (v: Value) => Node | undefined, b: GraphBuilder, stops: Value[] = []): { start: Value; nodes: Node[] } | undefined {
  const nodes: Node[] = [];
  let v = end;
  for (let n = producer(v); !stops.includes(v) && n && (n.opType === 'Reshape' || n.opType === 'ReduceMean'); n = producer(v)) {
    if (n.inputs.slice(1).some((c) => c && !b.constantOf(c))) return undefined;
    if (n.opType === 'Reshape' && Array.from(b.constantOf(n.inputs[1])!.data as BigInt64Array).includes(0n)) return undefined; // a 0 copies the input's dim: not replayable on another tensor
    if (n.opType === 'ReduceMean' && !n.inputs[1]) return undefined; // all axes: not a per-channel statistic
    nodes.unshift(n);
    v = n.inputs[0]!;
  }
  return nodes.some((n) => n.opType === 'ReduceMean') ? { start: v, nodes } : undefined;
}

/** Whether two chains do the same: the same ops, attributes and constant inputs. */
function sameChain(a: Node[], c: Node[], b: GraphBuilder): boolean {
  const same = (v: Value | null, w: Value | null) => {
    const [p, q] = [b.constantOf(v), b.constantOf(w)];
    return v === w || (!!p && !!q && p.dtype === q.dtype && String(p.dims) === String(q.dims) && String(p.data) === String(q.data));
  };
  return a.length === c.length && a.every((n, i) => n.opType === c[i].opType && JSON.stringify(n.attrs) === JSON.stringify(c[i].attrs) &&
    n.inputs.length === c[i].inputs.length && n.inputs.slice(1).every((v, k) => same(v, c[i].inputs[k + 1])));
}

/** The batch normalization whose output y = N * S + B is made by `add`, or undefined. */
export function matchBatchStatisticsNorm(b: GraphBuilder, add: Node, isActive: (n: Node) => boolean): BatchStatisticsNormMatch | undefined {
  const producers = new Map(b.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const producer = (v: Value | null) => (v ? producers.get(v) : undefined);
  const inner = new Set<Node>([add]);
  /** The node of `type` that makes v, through reshapes (which join the pattern). */
  const made = (v: Value | null, type: string) => {
    if (!v) return undefined;
    const { root, path } = throughReshapes(v, producer);
    const n = producer(root);
    if (!n || n.opType !== type || n.domain !== '') return undefined;
    [n, ...path].forEach((m) => inner.add(m));
    return n;
  };
  if (add.opType !== 'Add' || add.domain !== '') return undefined;
  const [P, B] = add.inputs;
  const mul = made(P, 'Mul');
  if (!mul || !B) return undefined;
  const [N, S] = mul.inputs;
  const div = made(N, 'Div');
  const sub = div && made(div.inputs[0], 'Sub');
  if (!sub || !S) return undefined;
  const C = sub.outputs[0];
  const [X, M] = sub.inputs;
  // X, or a value X is a reshape of, is where the mean starts.
  const xForms = [X!, ...throughReshapes(X!, producer).path.map((n) => n.inputs[0]!)];
  const mean = meanChain(M!, producer, b, xForms);
  if (!mean || !xForms.includes(mean.start)) return undefined;
  if (mean.start !== X && mean.nodes[0].opType !== 'Reshape') return undefined; // the mean must re-lay X's shape itself
  // D = sqrt(V + eps), through reshapes, V the same mean of C * C.
  const D = div.inputs[1]!;
  const sqrt = made(D, 'Sqrt');
  const plusEps = sqrt && made(sqrt.inputs[0], 'Add');
  const eps = plusEps && b.constantOf(plusEps.inputs[1]);
  if (!plusEps || !eps || eps.data.length !== 1) return undefined;
  const V = throughReshapes(plusEps.inputs[0]!, producer);
  V.path.forEach((n) => inner.add(n));
  const variance = meanChain(V.root, producer, b);
  const square = variance && made(variance.start, 'Mul');
  if (!square || !sameChain(mean.nodes, variance.nodes, b)) return undefined;
  for (const v of square.inputs) {
    const { root, path } = throughReshapes(v!, producer);
    if (root !== C) return undefined;
    path.forEach((n) => inner.add(n));
  }
  // Per-channel S, B and D (their shape is the statistics'), N and X laid out as y.
  if (!sameShape(S, M!) || !sameShape(B, M!) || !sameShape(D, M!) || !sameShape(N!, add.outputs[0]) || !sameShape(X!, add.outputs[0])) return undefined;
  [...mean.nodes, ...variance.nodes].forEach((n) => inner.add(n));

  // Everything between the inputs (X, the mean's start, S, B, eps) and y, each used inside alone.
  const outside = new Set([X, mean.start, S, B]);
  for (const n of inner) {
    for (const v of n.inputs) {
      if (v && !outside.has(v) && !b.constantOf(v) && !inner.has(producer(v)!)) return undefined;
    }
    for (const o of n.outputs) {
      if (n === add || b.outputs.includes(o)) continue;
      if (b.nodes.some((u) => !inner.has(u) && u.inputs.includes(o) && isActive(u))) return undefined;
    }
  }

  // Sums over the statistics' axes, in the same stages as the forward mean (the batch-last graphs
  // sum over the batch before the pixels: one float32 sum over a whole row rounds worse), and the
  // number of elements each channel's mean is over (from a thin slice where the batch is symbolic),
  // so that a mean is its sum divided: dy and dy * N are each read once, for dB and dS and their means.
  const axesOf = (n: Node, v: Value) => {
    const held = n.inputs[1] ? Array.from(b.constantOf(n.inputs[1])!.data as BigInt64Array, Number) : n.attrs.axes?.kind === 'ints' ? n.attrs.axes.value : [];
    return held.map((a) => (a + v.shape!.length) % v.shape!.length);
  };
  const sumAndCount = (t: Value) => {
    let [v, count]: [Value, Value | undefined] = [t, undefined];
    for (const n of mean.nodes) {
      if (n.opType !== 'ReduceMean') {
        v = b.op(n.opType, [v, ...n.inputs.slice(1)], n.attrs)[0];
        continue;
      }
      const along = elementsAlong(b, v, axesOf(n, v));
      count = count ? b.mul(count, along) : along;
      v = b.op('ReduceSum', [v, ...n.inputs.slice(1)], n.attrs)[0];
    }
    return { sum: v, count: count! };
  };
  return {
    rule: (dy, needs) => {
      const grads = new Map<Value, Value>();
      const { sum: dB, count } = sumAndCount(dy);
      const dS = needs(X!) || needs(S) ? sumAndCount(b.mul(dy, N!)).sum : undefined;
      if (needs(X!)) {
        const gain = b.div(S, D); // S / D, per channel
        const centred = b.sub(b.mul(dy, gain), b.mul(gain, b.div(dB, count)));
        grads.set(X!, b.sub(centred, b.mul(N!, b.mul(gain, b.div(dS!, count)))));
      }
      if (needs(S)) grads.set(S, dS!);
      if (needs(B)) grads.set(B, dB);
      return grads;
    },
  };
}
