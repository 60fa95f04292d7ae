// The importer's core, free of file-system access so that the browser runs it too: an ONNX
// classifier's bytes as a model definition. What trains is chosen by trainable-params.ts; the
// forward pass is the file's own graph (replay-forward.ts); a new head is put on by new-head.ts;
// export writes the file again with the trained values. importModel() (import-model.ts) reads files.
import { gradients } from '../autodiff/backward';
import { GRAD_RULES } from '../autodiff/registry';
import { GraphBuilder } from '../graph/graph-builder';
import { BATCH_DIM, forwardContext, ModelDefinition, ParamSpec, ParamValues, StateSpec } from '../graph/model-definition';
import { Dim, Graph, Node } from '../graph/types';
import { checkPixelNormalization, PixelNormalization } from '../data/pixel-normalization';
import { decodeModel, ExternalData, externalTensorNames } from '../onnx/decode';
import { brokenGraphRule } from '../onnx/graph-rules';
import { ImportError } from './import-error';
import { attachNewHead, featureTensor, NewHeadOptions } from './new-head';
import { OP_REWRITES } from './op-rewrites';
import { ImportedGraph, nodesFeeding, replayForward } from './replay-forward';
import { chooseTrainable } from './trainable-params';
import { upgradeToCurrentOpset } from './upgrade-opset';

export interface ImportOptions {
  /** Initializers that train (names or globs, as generate_artifacts' requires_grad); default: every layer's weights and biases. */
  trainable?: readonly string[];
  /** Initializers kept as they are (names or globs, as its frozen_params). */
  frozen?: readonly string[];
  /** The model's name (default: the file's base name, or 'imported'). */
  name?: string;
  /**
   * 'eval' (default): BatchNormalization uses its running statistics, as PyTorch's model.eval()
   * fine-tuning; 'train': batch statistics in training, the running statistics updated (model state).
   */
  batchNorm?: 'eval' | 'train';
  /** How pictures' bytes become the model's input (default pixels / 255); recorded in the exported model's metadata. */
  pixels?: PixelNormalization;
  /** Transfer learning: the classifier replaced by a fresh dense layer for these classes, the rest frozen unless asked. */
  newHead?: NewHeadOptions;
}

/** Refuses a node on a trainable parameter's way to the output that has no gradient rule, naming what to freeze. */
function checkDifferentiable(nodes: readonly Node[], trainable: Set<string>): void {
  const behind = new Map<string, Set<string>>([...trainable].map((t) => [t, new Set([t])]));
  for (const node of nodes) {
    const carrying = node.opType === 'CastLike' ? node.inputs.slice(0, 1) : node.inputs; // CastLike reads only its second input's type
    const params = new Set(carrying.flatMap((v) => [...(behind.get(v?.name ?? '') ?? [])]));
    if (!params.size || GRAD_RULES[node.opType] === 'none') continue;
    if (!GRAD_RULES[node.opType] && !OP_REWRITES[node.opType] && node.opType !== 'Constant') {
      const names = [...params];
      throw new ImportError(`node '${node.name || node.outputs[0].name}' (${node.opType}) has no gradient rule and trainable parameters reach it (${names.slice(0, 4).join(', ')}${names.length > 4 ? `, ${names.length - 4} more` : ''}): freeze them (--freeze) or train only layers after it`);
    }
    node.outputs.forEach((o) => behind.set(o.name, params));
  }
}

/**
 * One forward pass on a scratch graph, and the backward pass from its scores: the number of
 * classes, and whatever cannot train refused now rather than at the first step.
 */
function probeTraining(name: string, logits: string, forward: ModelDefinition['forward'], sampleDims: number[], params: ParamSpec[], state: StateSpec[]): number {
  const b = new GraphBuilder(name);
  const x = b.input('x', 'float32', [BATCH_DIM, ...sampleDims]);
  const inputsOf = (specs: { name: string; dims: number[] }[]) => Object.fromEntries(specs.map((s) => [s.name, b.input(s.name, 'float32', s.dims)]));
  const paramInputs = inputsOf(params);
  const scores = forward(b, x, paramInputs, forwardContext('infer', inputsOf(state)));
  const dims = scores.shape;
  if (!dims || dims.length !== 2 || typeof dims[1] !== 'number') {
    throw new ImportError(`${name}: output '${logits}' is [${dims ?? '?'}]; a classifier's scores are [batch, classes]`);
  }
  try {
    if (params.length) gradients(b, scores, Object.values(paramInputs), b.input('scores_grad', 'float32', dims));
  } catch (e) {
    throw new ImportError(`${name}: no training graph can be derived: ${(e as Error).message}`);
  }
  return dims[1];
}

/**
 * importModel() on the file's bytes, for any runtime (the browser's too): `name` names the model,
 * `read` supplies external tensor data (absent: a file that needs some is refused).
 */
export function importBytes(file: Uint8Array, name: string, options: ImportOptions = {}, read?: ExternalData): ModelDefinition {
  if (!options.newHead) return importFile(file, read, name, options);
  const { graph, input, dims, logits } = readGraph(file, read, name);
  const features = featureTensor(graph, nodesFeeding(graph, logits), options.newHead.after);
  if (features === input) throw new ImportError(`${name}: '${features}' is the model's input; the new head goes after some layer`);
  const featureDims = shapeAt({ graph, input, logits: features, nodes: nodesFeeding(graph, features), trainable: new Set(), fixedBatch: dims[0] === 1, batchNorm: 'eval' }, dims);
  const cut = attachNewHead(file, graph, features, featureDims, options.newHead);
  const backbone = options.newHead.trainBackbone;
  const def = importFile(cut.file, read, name, { ...options, trainable: backbone ? options.trainable : [...cut.params, ...(options.trainable ?? [])] });
  const head = { features, featureDims: featureDims.slice(1) as number[], params: cut.params };
  return { ...def, imported: { ...def.imported!, head } };
}


/** The names the graph rules look at. */
const outline = (graph: Graph, opsets: Readonly<Record<string, number>>) => ({
  opsets,
  inputs: graph.inputs.map((v) => v.name),
  initializers: graph.initializers.map((t) => t.name),
  nodes: graph.nodes.map((n) => ({ name: n.name, opType: n.opType, domain: n.domain, inputs: n.inputs.map((i) => i?.name ?? null), outputs: n.outputs.map((o) => o.name) })),
});

/** The file decoded, brought to the current opset, its image input and the scores it trains on found. */
function readGraph(file: Uint8Array, read: ExternalData | undefined, name: string) {
  let readExternal = false;
  const model = decodeModel(file, read && ((...args) => ((readExternal = true), read(...args))));
  // Which tensors came from external files: a second look at the file, only when any did.
  const external = new Set(readExternal ? externalTensorNames(file) : []);
  const { graph } = model;
  const opset = model.opsets[''] ?? model.opsets['ai.onnx'];
  if (opset === undefined || opset < 7) throw new ImportError(`${name}: ai.onnx opset ${opset ?? 'missing'}; opsets 7 and later can be imported`);
  const broken = brokenGraphRule(outline(graph, model.opsets));
  if (broken) throw new ImportError(`${name}: ${broken}`);
  upgradeToCurrentOpset(graph, opset);

  const initialized = new Set(graph.initializers.map((t) => t.name));
  const inputs = graph.inputs.filter((v) => !initialized.has(v.name));
  if (inputs.length !== 1) throw new ImportError(`${name}: ${inputs.length} graph inputs (${inputs.map((v) => v.name).join(', ')}); a model that takes one image batch can be imported`);
  const [input] = inputs;
  const dims = input.shape ?? [];
  if (input.dtype !== 'float32' || dims.length < 2 || dims.slice(1).some((d) => typeof d !== 'number' || d < 1)) {
    throw new ImportError(`${name}: input '${input.name}' is ${input.dtype} [${dims}]; it must be float32 [batch, ...sizes] with fixed sizes after the batch`);
  }
  const output = graph.outputs[0];
  if (!output) throw new ImportError(`${name}: the graph has no outputs`);
  const last = graph.nodes.find((n) => n.outputs[0]?.name === output.name);
  const logits = last && ['Softmax', 'LogSoftmax'].includes(last.opType) && last.inputs[0] ? last.inputs[0].name : output.name;
  return { graph, external, input: input.name, dims, logits };
}

/** The shape of `imported.logits` for a batch of the input's `dims` (batch first). */
function shapeAt(imported: ImportedGraph, dims: readonly Dim[]): Dim[] {
  const b = new GraphBuilder('shape');
  const x = b.input('x', 'float32', [BATCH_DIM, ...dims.slice(1)]);
  return replayForward(imported)(b, x, {}, forwardContext('infer', {})).shape ?? [];
}

function importFile(file: Uint8Array, read: ExternalData | undefined, name: string, options: ImportOptions): ModelDefinition {
  const { graph, external, input, dims, logits } = readGraph(file, read, name);
  const nodes = nodesFeeding(graph, logits);
  // A 'Relu' of another operator set is not ONNX's Relu: only the nodes the scores use are asked.
  const foreign = nodes.find((n) => n.domain && n.domain !== 'ai.onnx');
  if (foreign) throw new ImportError(`${name}: node '${foreign.name || foreign.outputs[0].name}' (${foreign.opType}) is from operator set '${foreign.domain}'; only the standard ONNX operators (ai.onnx) can be imported`);
  if (options.pixels) checkPixelNormalization(options.pixels, dims.length === 4 ? (dims[1] as number) : 1);

  const batchNorm = options.batchNorm ?? 'eval';
  const statistics = new Set(batchNorm === 'train' ? nodes.filter((n) => n.opType === 'BatchNormalization').flatMap((n) => [n.inputs[3]!.name, n.inputs[4]!.name]) : []);
  const trainable = new Set([...chooseTrainable(graph, nodes, options)].filter((t) => !statistics.has(t)));
  checkDifferentiable(nodes, trainable);
  const imported: ImportedGraph = { graph, input, logits, nodes, trainable, fixedBatch: dims[0] === 1, batchNorm };
  const values: ParamValues = new Map();
  const specsOf = (names: Set<string>) => graph.initializers.filter((t) => names.has(t.name)).map((t) => {
    if (t.dtype !== 'float32') throw new ImportError(`${name}: initializer '${t.name}' is ${t.dtype}, not float`);
    values.set(t.name, Float32Array.from(t.data as Float32Array));
    return { name: t.name, dims: t.dims, init: 'file' as const };
  });
  const params = specsOf(trainable);
  const state = specsOf(statistics);
  if (state.length !== statistics.size) throw new ImportError(`${name}: a BatchNormalization's running statistics are not initializers; batchNorm 'train' needs them stored`);
  const forward = replayForward(imported);

  const classes = probeTraining(name, logits, forward, dims.slice(1) as number[], params, state);
  const inlined = graph.initializers.filter((t) => external.has(t.name));
  const used = new Set(nodes.flatMap((n) => n.inputs.map((v) => v?.name)));
  const kept = graph.initializers.filter((t) => t.dtype === 'float32' && used.has(t.name) && !trainable.has(t.name) && !statistics.has(t.name));
  const frozen = { tensors: kept.length, values: kept.reduce((n, t) => n + t.data.length, 0) };
  const pixels = options.pixels ? { pixels: options.pixels } : {};
  return { name, sampleDims: dims.slice(1) as number[], classes, params, ...(state.length ? { state } : {}), ...pixels, forward, imported: { file, values, inlined, frozen } };
}
