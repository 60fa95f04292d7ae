// Transfer learning's cut: an imported classifier's own head replaced by a fresh dense layer for
// the user's classes. The graph is cut where its features are (by default the input of its last
// Gemm/MatMul on a stored weight), they are flattened to [batch, features], and a Gemm with one
// output per class (Xavier-initialized, seeded; zero bias; PyTorch Linear's layout) is appended.
// The result is an ONNX file again: the kept nodes byte for byte, the head, the class names in its
// metadata; importing it is then the ordinary import with only the head trainable.
import { Dim, Graph, Node, Value, attr } from '../graph/types';
import { editGraph } from '../onnx/edit-graph';
import { xavierWeight } from '../training/graphs/init';
import { ImportError } from './import-error';
import { nodesFeeding } from './replay-forward';

export interface NewHeadOptions {
  /** The new classes: how many, or their names (recorded as the exported model's class_labels). */
  classes: number | readonly string[];
  /** Where the features are: a tensor's name, or a node's (its first output). Default: the input of the last Gemm/MatMul. */
  after?: string;
  /** Seeds the head's Xavier initialization (default 42). */
  seed?: number;
  /** Train the layers before the head too (default false: only the head trains, the backbone is frozen). */
  trainBackbone?: boolean;
}

/** The head's tensor names: `new_head.*`, with a number added if the file already uses them. */
function headNames(graph: Graph) {
  const taken = new Set([...graph.initializers.map((t) => t.name), ...graph.nodes.flatMap((n) => [n.name, ...n.outputs.map((v) => v.name)]), ...graph.inputs.map((v) => v.name)]);
  for (let k = 0; ; k++) {
    const prefix = k ? `new_head${k}` : 'new_head';
    const names = { weight: `${prefix}.weight`, bias: `${prefix}.bias`, flat: `${prefix}.features`, scores: `${prefix}.scores`, flatten: `${prefix}.Flatten`, gemm: `${prefix}.Gemm` };
    if (!Object.values(names).some((n) => taken.has(n))) return names;
  }
}

/** The tensor the head reads: `after` (a tensor or node name), or the input of the last Gemm/MatMul on a stored weight. */
export function featureTensor(graph: Graph, classifier: readonly Node[], after: string | undefined): string {
  if (after !== undefined) {
    const node = graph.nodes.find((n) => n.name === after);
    if (node) return node.outputs[0].name;
    if (graph.nodes.some((n) => n.outputs.some((v) => v.name === after))) return after;
    throw new ImportError(`no node or tensor named '${after}' to put the new head after`);
  }
  const stored = new Set(graph.initializers.map((t) => t.name));
  const last = [...classifier].reverse().find((n) => ['Gemm', 'MatMul'].includes(n.opType) && stored.has(n.inputs[1]?.name ?? ''));
  if (!last?.inputs[0]) throw new ImportError(`no Gemm or MatMul layer to replace with the new head; name the features with --head-after`);
  return last.inputs[0].name;
}

/**
 * The file with the graph cut at `features` (of shape `dims`, batch first) and the new head
 * appended; the names of the head's weight and bias.
 */
export function attachNewHead(file: Uint8Array, graph: Graph, features: string, dims: readonly Dim[], head: NewHeadOptions): { file: Uint8Array; params: string[] } {
  const sizes = dims.slice(1);
  if (dims.length < 2 || sizes.some((d) => typeof d !== 'number')) throw new ImportError(`the features '${features}' are [${dims}]; a new head needs [batch, fixed sizes...]`);
  const width = (sizes as number[]).reduce((a, d) => a * d, 1);
  const classes = typeof head.classes === 'number' ? head.classes : head.classes.length;
  if (!Number.isInteger(classes) || classes < 2) throw new ImportError(`a new head needs at least two classes, got ${classes}`);
  const names = headNames(graph);
  const batch = dims[0];
  const x: Value = { name: features, dtype: 'float32', shape: [...dims] };
  const flat: Value = dims.length === 2 ? x : { name: names.flat, dtype: 'float32', shape: [batch, width] };
  const weight = { name: names.weight, dtype: 'float32' as const, dims: [classes, width], data: xavierWeight([classes, width], head.seed ?? 42) };
  const bias = { name: names.bias, dtype: 'float32' as const, dims: [classes], data: new Float32Array(classes) };
  const scores: Value = { name: names.scores, dtype: 'float32', shape: [typeof batch === 'number' ? batch : 'N', classes] };
  const param = (t: typeof weight): Value => ({ name: t.name, dtype: t.dtype, shape: t.dims });
  const nodes: Node[] = [
    ...(flat === x ? [] : [{ name: names.flatten, opType: 'Flatten', domain: '', inputs: [x], outputs: [flat], attrs: { axis: attr.int(1) } }]),
    { name: names.gemm, opType: 'Gemm', domain: '', inputs: [flat, param(weight), param(bias)], outputs: [scores], attrs: { transB: attr.int(1) } },
  ];
  const keep = new Set(nodesFeeding(graph, features).map((n) => n.outputs[0].name));
  const metadata: Record<string, string> = typeof head.classes === 'number' ? {} : { class_labels: head.classes.join(',') };
  const out = editGraph(file, { keep, nodes, initializers: [weight, bias], outputs: [scores], metadata });
  return { file: out, params: [weight.name, bias.name] };
}
