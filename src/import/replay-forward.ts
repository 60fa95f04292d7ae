// An imported graph as a model definition's forward pass: its nodes emitted again on the builder the
// training (or inference) graph is made on, the trainable initializers taken from `params`, the
// frozen ones as constants, the integer shape arithmetic done at import time (shape-arithmetic.ts),
// a few ops rewritten (op-rewrites.ts) and BatchNormalization with its running statistics (PyTorch's
// eval()), or with batch statistics and running-statistics updates when imported with batchNorm 'train'.
import { GraphBuilder } from '../graph/graph-builder';
import { ForwardContext } from '../graph/model-definition';
import { attr, AttrValue, Dim, Graph, Node, Tensor, Value } from '../graph/types';
import { batchStatisticsNorm } from '../graph/layers';
import { ImportError } from './import-error';
import { OP_REWRITES } from './op-rewrites';
import { foldable, foldNode, shapeOf, ShapeTensor } from './shape-arithmetic';

/** What the importer found in the file, in the form replayForward emits. */
export interface ImportedGraph {
  graph: Graph;
  /** The graph input that takes the images. */
  input: string;
  /** The value trained on: output 0, or the scores before its final Softmax/LogSoftmax. */
  logits: string;
  /** The nodes `logits` depends on, in order. */
  nodes: Node[];
  /** Initializers that train (params of the definition). */
  trainable: Set<string>;
  /** The file fixed the batch at 1: a leading 1 in a Reshape target of a batched value is the batch. */
  fixedBatch: boolean;
  /** 'train': BatchNormalization uses batch statistics in training and updates its running statistics (model state). */
  batchNorm: 'eval' | 'train';
}

const INT64_MAX = 2n ** 63n - 1n;
const toInt64 = (v: number) => (v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? -INT64_MAX - 1n : BigInt(Math.trunc(v)));

const where = (node: Node) => `node '${node.name || node.outputs[0]?.name}' (${node.opType})`;

/** Explicit pads for auto_pad SAME_UPPER / SAME_LOWER / VALID on an input of known spatial size. */
function explicitPads(node: Node, x: Value, w: Value | undefined): number[] | undefined {
  const mode = node.attrs.auto_pad;
  if (!mode || mode.kind !== 'string' || mode.value === 'NOTSET') return undefined;
  const spatial = (x.shape ?? []).slice(2);
  const ints = (name: string, dflt: number) => (node.attrs[name]?.kind === 'ints' ? (node.attrs[name].value as number[]) : spatial.map(() => dflt));
  const kernel = node.attrs.kernel_shape?.kind === 'ints' ? node.attrs.kernel_shape.value : (w?.shape ?? []).slice(2);
  if (mode.value === 'VALID') return [...spatial, ...spatial].map(() => 0);
  if (node.opType === 'ConvTranspose' || spatial.some((d) => typeof d !== 'number') || kernel.some((d) => typeof d !== 'number')) {
    throw new ImportError(`${where(node)}: auto_pad ${mode.value} needs static spatial sizes (got [${x.shape ?? '?'}]); re-export with explicit pads`);
  }
  const [strides, dilations] = [ints('strides', 1), ints('dilations', 1)];
  const total = (spatial as number[]).map((d, i) => Math.max(0, (Math.ceil(d / strides[i]) - 1) * strides[i] + ((kernel[i] as number) - 1) * dilations[i] + 1 - d));
  const small = total.map((t) => Math.floor(t / 2));
  const large = total.map((t, i) => t - small[i]);
  return mode.value === 'SAME_LOWER' ? [...large, ...small] : [...small, ...large];
}

/**
 * The window attributes Conv, ConvTranspose and MaxPool leave to their defaults, written out: the
 * graphs the project emits carry them all, as some ONNX importers need.
 */
function windowDefaults(node: Node, w: Value | undefined): Record<string, AttrValue> {
  if (!['Conv', 'ConvTranspose', 'MaxPool'].includes(node.opType)) return {};
  const kernel = node.attrs.kernel_shape?.kind === 'ints' ? node.attrs.kernel_shape.value : (w?.shape ?? []).slice(2);
  if (kernel.some((d) => typeof d !== 'number')) return {};
  const ones = kernel.map(() => 1);
  const conv = node.opType !== 'MaxPool';
  return {
    kernel_shape: attr.ints(kernel as number[]),
    strides: attr.ints(ones),
    pads: attr.ints([...ones, ...ones].map(() => 0)),
    ...(conv ? { dilations: attr.ints(ones), group: attr.int(1) } : {}),
  };
}

/** The nodes `target` depends on, in the graph's order. */
export function nodesFeeding(graph: Graph, target: string): Node[] {
  const needed = new Set([target]);
  const nodes: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!n.outputs.some((o) => needed.has(o.name))) continue;
    n.inputs.forEach((v) => v && needed.add(v.name));
    nodes.unshift(n);
  }
  return nodes;
}

export function replayForward(imported: ImportedGraph) {
  const initializers = new Map(imported.graph.initializers.map((t) => [t.name, t]));
  return (b: GraphBuilder, x: Value, params: Record<string, Value>, ctx: ForwardContext): Value => {
    const emitted = new Map<string, Value>([[imported.input, x]]);
    const known = new Map<string, ShapeTensor>();
    /** Reshapes whose target now copies the batch with a 0, so that allowzero must be off. */
    const copiesBatch = new Set<Node>();
    for (const t of initializers.values()) {
      if (t.dtype !== 'float32') known.set(t.name, { dims: t.dims, values: Array.from(t.data as BigInt64Array | Uint8Array, Number) });
    }
    const frozen = (t: Tensor) => {
      const v = b.constant('float32', t.dims, t.data, t.name);
      emitted.set(t.name, v);
      return v;
    };
    /** The value behind name as an input of `node` (input `i`). */
    const valueOf = (node: Node, i: number): Value | null => {
      const name = node.inputs[i]?.name;
      if (name === undefined) return null;
      const v = emitted.get(name) ?? params[name] ?? ctx.state[name];
      if (v) return v;
      const t = initializers.get(name);
      if (t && t.dtype === 'float32') return frozen(t);
      const k = known.get(name);
      if (!k) throw new ImportError(`${where(node)}: input '${name}' is neither a graph input, an initializer nor a node's output`);
      return materialize(node, i, k);
    };
    /** A known integer tensor as a constant; batch sizes inside a Reshape target become 0 (copy) or -1. */
    const materialize = (node: Node, i: number, k: ShapeTensor): Value => {
      let values: Dim[] = k.values;
      if (node.opType === 'Reshape' && i === 1) {
        // A batch size in the target: -1 when it is the one size left open, else 0 (copy the input's) where the input holds it.
        const from = emitted.get(node.inputs[0]?.name ?? '')?.shape;
        const batchAt0 = typeof from?.[0] === 'string';
        values = values.map((v, axis) => (imported.fixedBatch && axis === 0 && v === 1 && batchAt0 ? from![0] : v));
        const open = values.filter((v) => typeof v === 'string').length;
        if (open === 1 && !values.includes(-1)) values = values.map((v) => (typeof v === 'string' ? -1 : v));
        else if (open) {
          if (values.includes(0)) throw new ImportError(`${where(node)}: a target with both the batch size and a 0 ([${values}])`);
          values = values.map((v, axis) => (typeof v === 'string' && v === from?.[axis] ? 0 : v));
          copiesBatch.add(node);
        }
      }
      if (values.some((v) => typeof v !== 'number')) {
        throw new ImportError(`${where(node)}: input '${node.inputs[i]?.name}' holds the batch size at run time ([${values}]); only a Reshape target may`);
      }
      const dtype = node.inputs[i]?.dtype === 'bool' ? 'bool' : 'int64';
      const data = dtype === 'bool' ? Uint8Array.from(values as number[]) : BigInt64Array.from((values as number[]).map(toInt64));
      return b.constant(dtype, k.dims, data, node.inputs[i]?.name ?? 'const');
    };

    for (const node of imported.nodes) {
      const outName = node.outputs[0].name;
      if (node.opType === 'Constant') {
        const k = constantNodeValue(node, initializers);
        if (k) known.set(outName, k);
        continue;
      }
      if (node.opType === 'Shape' && node.inputs[0]) {
        const shape = (emitted.get(node.inputs[0].name) ?? valueOf(node, 0))?.shape;
        if (shape) {
          known.set(outName, shapeOf(node, shape));
          continue;
        }
      }
      const inputsKnown = node.inputs.map((v) => (v ? known.get(v.name) : undefined));
      if (foldable(node.opType) && node.inputs.every((v, i) => !v || inputsKnown[i])) {
        const folded = foldNode(node, inputsKnown);
        if (folded) {
          known.set(outName, folded);
          continue;
        }
      }
      if (node.opType === 'BatchNormalization' && imported.batchNorm === 'train' && ctx.mode === 'train') trainBatchNorm(b, node, valueOf, emitted, ctx);
      else emit(b, node, valueOf, emitted, copiesBatch.has(node));
    }
    const logits = emitted.get(imported.logits) ?? params[imported.logits];
    if (!logits) throw new ImportError(`the model's output '${imported.logits}' is a constant`);
    return logits;
  };
}

/** BatchNormalization with batch statistics, its running statistics (model state) updated: the project's batch norm. */
function trainBatchNorm(b: GraphBuilder, node: Node, valueOf: (node: Node, i: number) => Value | null, emitted: Map<string, Value>, ctx: ForwardContext): void {
  const [x, scale, bias, mean, variance] = node.inputs.map((_, i) => valueOf(node, i)!);
  if (!x.shape || x.shape.length < 2) throw new ImportError(`${where(node)}: batch statistics need an input of known rank`);
  const float = (name: string, dflt: number) => (node.attrs[name]?.kind === 'float' ? (node.attrs[name].value as number) : dflt);
  // ONNX's momentum weighs the running value (default 0.9); the project's, PyTorch's, the batch.
  const next = batchStatisticsNorm(b, x, scale, bias, mean, variance, { momentum: 1 - float('momentum', 0.9), epsilon: float('epsilon', 1e-5) }, node.outputs[0].name);
  ctx.setState(node.inputs[3]!.name, next.mean);
  ctx.setState(node.inputs[4]!.name, next.variance);
  emitted.set(node.outputs[0].name, next.y);
}

/** A Constant node's value: integers as a known tensor; a float constant joins the frozen initializers. */
function constantNodeValue(node: Node, initializers: Map<string, Tensor>): ShapeTensor | undefined {
  const [name, a] = Object.entries(node.attrs)[0] ?? [];
  const out = node.outputs[0].name;
  if (a?.kind === 'tensor' && a.value.dtype === 'float32') initializers.set(out, { ...a.value, name: out });
  else if (a?.kind === 'tensor') return { dims: a.value.dims, values: Array.from(a.value.data as BigInt64Array | Uint8Array, Number) };
  else if (a?.kind === 'int') return { dims: [], values: [a.value] };
  else if (a?.kind === 'ints') return { dims: [a.value.length], values: a.value };
  else if (a?.kind === 'float') initializers.set(out, { name: out, dtype: 'float32', dims: [], data: Float32Array.of(a.value) });
  else if (a?.kind === 'floats') initializers.set(out, { name: out, dtype: 'float32', dims: [a.value.length], data: Float32Array.from(a.value) });
  else throw new ImportError(`${where(node)}: a constant of attribute '${name}' is not supported`);
  return undefined;
}

/** Emits `node` on b (rewritten where op-rewrites.ts says, a Reshape that copies the batch without allowzero, BatchNormalization's statistics outputs dropped, auto_pad made explicit). */
function emit(b: GraphBuilder, node: Node, valueOf: (node: Node, i: number) => Value | null, emitted: Map<string, Value>, copiesBatch: boolean): void {
  const inputs = node.inputs.map((_, i) => valueOf(node, i));
  const attrs = { ...node.attrs };
  if (copiesBatch) delete attrs.allowzero; // its target's only 0 is the batch copied, which allowzero=1 would read as a size of 0
  let outputs = node.outputs;
  if (node.opType === 'BatchNormalization') {
    delete attrs.training_mode;
    outputs = outputs.slice(0, 1);
  }
  const pads = inputs[0] && explicitPads(node, inputs[0], inputs[1] ?? undefined);
  if (pads) {
    delete attrs.auto_pad;
    attrs.pads = attr.ints(pads);
  }
  Object.assign(attrs, { ...windowDefaults(node, inputs[1] ?? undefined), ...attrs });
  let made: Value[];
  try {
    const rewrite = OP_REWRITES[node.opType];
    made = rewrite ? rewrite(b, node, inputs) : b.op(node.opType, inputs, attrs, { outputs: outputs.length, name: outputs[0].name });
  } catch (e) {
    throw new ImportError(`${where(node)}: ${(e as Error).message}`);
  }
  made.forEach((v, i) => emitted.set(outputs[i].name, v));
}
