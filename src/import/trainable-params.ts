// Which initializers of an imported model train. By default the weights and biases of its layers,
// found by the node that uses them (through Identity, Reshape, Transpose, Cast or Unsqueeze): Conv,
// ConvTranspose, Gemm and MatMul operands, a bias Add after one of those, the scale and bias of
// BatchNormalization, LayerNormalization, InstanceNormalization and GroupNormalization, PRelu's
// slope, and a per-feature Mul or Add after those layers (a normalization's affine, written out). `trainable` patterns (as generate_artifacts' requires_grad) replace that choice with the
// float initializers they name; `frozen` patterns (its frozen_params) take names out of either.
import { Graph, Node } from '../graph/types';
import { ImportError } from './import-error';

/** Node op -> the inputs that are its weights and biases. */
const LAYER_INPUTS: Record<string, number[]> = {
  Conv: [1, 2], ConvTranspose: [1, 2], Gemm: [0, 1, 2], MatMul: [0, 1],
  BatchNormalization: [1, 2], LayerNormalization: [1, 2], InstanceNormalization: [1, 2], GroupNormalization: [1, 2], PRelu: [1],
};
const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Transpose', 'Cast', 'Unsqueeze', 'Squeeze']);
const BIAS_AFTER = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** A name pattern: an exact name, or a glob where * is any run of characters and ? one character. */
export function matcher(pattern: string): (name: string) => boolean {
  if (!/[*?]/.test(pattern)) return (name) => name === pattern;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => re.test(name);
}

/** The layer weights and biases of `nodes`, by the rules above. */
function layerParameters(nodes: readonly Node[], floats: Set<string>, sizes: Map<string, number>): Set<string> {
  const producer = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o.name, n] as const)));
  const initializerBehind = (name: string | undefined): string | undefined => {
    for (let at = name; at !== undefined; ) {
      if (floats.has(at)) return at;
      const p = producer.get(at);
      if (!p || !PASS_THROUGH.has(p.opType)) return undefined;
      at = p.inputs[0]?.name;
    }
    return undefined;
  };
  const found = new Set<string>();
  for (const node of nodes) {
    for (const i of LAYER_INPUTS[node.opType] ?? []) {
      const w = initializerBehind(node.inputs[i]?.name);
      if (w) found.add(w);
    }
    if (node.opType === 'Add') {
      const sides = node.inputs.map((v) => v && producer.get(v.name));
      node.inputs.forEach((v, i) => {
        const other = sides[1 - i];
        const w = initializerBehind(v?.name);
        if (w && other && BIAS_AFTER.has(other.opType)) found.add(w);
      });
    }
  }
  // A per-feature scale or shift after the layers (a normalization written out as ReduceMean, Sub,
  // Div, then Mul and Add, as opset-13 exporters write LayerNorm): a Mul or Add of an initializer
  // of more than one value with a value some layer weight reaches.
  const reached = new Set<string>(found);
  for (const node of nodes) {
    if (node.inputs.some((v) => v && reached.has(v.name))) node.outputs.forEach((o) => reached.add(o.name));
    if (node.opType !== 'Mul' && node.opType !== 'Add') continue;
    node.inputs.forEach((v, i) => {
      const w = initializerBehind(v?.name);
      const other = node.inputs[1 - i];
      if (w && other && reached.has(other.name) && (sizes.get(w) ?? 0) > 1) found.add(w);
    });
  }
  return found;
}

/** The trainable initializers of an imported graph (whose `nodes` the model uses). */
export function chooseTrainable(graph: Graph, nodes: readonly Node[], options: { trainable?: readonly string[]; frozen?: readonly string[] }): Set<string> {
  const floats = new Set(graph.initializers.filter((t) => t.dtype === 'float32').map((t) => t.name));
  const sizes = new Map(graph.initializers.map((t) => [t.name, t.data.length]));
  const used = new Set(nodes.flatMap((n) => n.inputs.map((v) => v?.name)));
  const named = (patterns: readonly string[], flag: string) => {
    const chosen = new Set<string>();
    for (const p of patterns) {
      const hits = [...floats].filter(matcher(p));
      if (!hits.length) throw new ImportError(`${flag} '${p}' names no float initializer of the model (it has ${floats.size}: ${[...floats].slice(0, 5).join(', ')}${floats.size > 5 ? ', ...' : ''})`);
      hits.forEach((h) => chosen.add(h));
    }
    return chosen;
  };
  const chosen = options.trainable?.length ? named(options.trainable, 'trainable') : layerParameters(nodes, floats, sizes);
  for (const name of named(options.frozen ?? [], 'frozen')) chosen.delete(name);
  return new Set([...chosen].filter((name) => used.has(name)));
}
