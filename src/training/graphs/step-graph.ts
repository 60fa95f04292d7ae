// Training graphs derived from a model definition and an optimizer, all standard ai.onnx ops:
// - the step graph: (parameters, x, y, optimizer state, lr) -> (updated parameters and state,
//   mean loss, correct count);
// - the gradient graph: (parameters, x, y) -> (d loss / d parameter, mean loss, correct count);
// - the update graph: (lr, parameters and state, gradients) -> updated parameters and state.
import { gradients } from '../../autodiff/backward';
import { DataError } from '../../data/idx-bytes';
import { ImportError } from '../../import/import-error';
import { GraphBuilder } from '../../graph/graph-builder';
import { BATCH_DIM, forwardContext, IR_VERSION, ModelDefinition, OPSET, PRODUCER, RandomSource, stateOf } from '../../graph/model-definition';
import { randomInputName, randomInputsOf } from './random-inputs';
import { Dim, Graph, Model, Value } from '../../graph/types';
import { batchLastForward, DEFAULT_TRAINING_LAYOUT, TrainingLayout } from './batch-last-forward';
import { LOSSES, oneHot } from './loss';
import { applyOptimizer, carriedTensors, describeOptimizer, OptimizerConfig, PLAIN_SGD } from './optimizers/optimizer';

export const STEP_INPUTS = { images: 'x', labels: 'y', learningRate: 'lr' } as const;
export const STEP_OUTPUTS = { loss: 'loss', correct: 'correct' } as const;
/** The loss a model trains with (LOSSES' entry). */
export const lossOf = (def: ModelDefinition) => LOSSES[def.loss ?? 'cross-entropy'];
export const updatedName = (param: string) => `${param}.updated`;
export const gradName = (param: string) => `${param}_grad`;

/**
 * Forward pass in training mode (laid out as `layout` says), the model's loss and derived gradients of every
 * parameter, on builder b from the given values; `targets` are [N, classes] floats (the one-hot labels
 * or target values, see targetsInput), `state` the model's state tensors (BatchNorm running statistics), whose next values
 * `stateNext` gives.
 */
export function lossAndGradients(
  b: GraphBuilder, def: ModelDefinition, params: Record<string, Value>, x: Value, targets: Value,
  layout: TrainingLayout = DEFAULT_TRAINING_LAYOUT, state: Record<string, Value> = {}, random?: RandomSource,
) {
  const updates = new Map<string, Value>();
  const ctx = forwardContext('train', state, updates, random);
  const { loss, correct, grads } = refusedForImported(def, () => {
    const logits = layout === 'batch-last' ? batchLastForward(b, def, x, params, ctx) : def.forward(b, x, params, ctx);
    const { loss, correct, logitsGrad } = lossOf(def).build(b, logits, targets);
    return { loss, correct, grads: gradients(b, logits, Object.values(params), logitsGrad) };
  });
  return {
    loss,
    correct,
    gradOf: (name: string) => grads.get(params[name])!,
    stateNext: (name: string) => updates.get(name) ?? state[name],
  };
}

/**
 * What a file made elsewhere cannot be trained as is the file's fault, not the project's: for an
 * imported model, a failure to derive its training graph is a one-line refusal naming the model.
 */
function refusedForImported<T>(def: ModelDefinition, derive: () => T): T {
  try {
    return derive();
  } catch (e) {
    if (!def.imported || e instanceof DataError) throw e;
    throw new ImportError(`${def.name}: no training graph can be derived: ${(e as Error).message}`);
  }
}

/**
 * The graph input `name` of the targets, `leading` the dims before each sample's: labels (int64,
 * made one-hot here, `targetName` naming the result) or, with def.targetValues, float values [..., classes] used as they are.
 */
export function targetsInput(b: GraphBuilder, def: ModelDefinition, name: string, leading: Dim[], targetName?: string): Value {
  if (def.targetValues) {
    const values = b.input(name, 'float32', [...leading, def.classes]);
    return targetName ? b.identity(values, targetName) : values;
  }
  return oneHot(b, b.input(name, 'int64', leading), def.classes, targetName);
}

/** lossAndGradients on a new builder whose inputs are the parameters, the model state, x and y (shared by the training graphs). */
export function differentiate(def: ModelDefinition, graphName: string, layout: TrainingLayout = DEFAULT_TRAINING_LAYOUT) {
  const b = new GraphBuilder(graphName);
  const params: Record<string, Value> = {};
  for (const p of def.params) params[p.name] = b.input(p.name, 'float32', p.dims);
  const state: Record<string, Value> = {};
  for (const s of stateOf(def)) state[s.name] = b.input(s.name, 'float32', s.dims);
  const x = b.input(STEP_INPUTS.images, 'float32', [BATCH_DIM, ...def.sampleDims]);
  const targets = targetsInput(b, def, STEP_INPUTS.labels, [BATCH_DIM]);
  // Random values (dropout masks) are inputs the host fills at every step: see random-inputs.ts.
  const random: RandomSource = (name, dims) => b.input(randomInputName(name), 'float32', [BATCH_DIM, ...dims]);
  return { b, params, ...lossAndGradients(b, def, params, x, targets, layout, state, random) };
}

export const asModel = (graph: Graph, extraOpsets: Record<string, number> = {}): Model => ({
  graph,
  opsets: { '': OPSET, ...extraOpsets },
  irVersion: IR_VERSION,
  producerName: PRODUCER.name,
  producerVersion: PRODUCER.version,
});

export function buildTrainingStep(def: ModelDefinition, opt: OptimizerConfig = PLAIN_SGD, layout: TrainingLayout = DEFAULT_TRAINING_LAYOUT): Model {
  const { b, params, loss, correct, gradOf, stateNext } = differentiate(def, `${def.name}_training_step`, layout);
  const values: Record<string, Value> = { ...params };
  const carried = carriedTensors(def, opt);
  for (const t of carried) if (t.kind === 'state') values[t.name] = b.input(t.name, 'float32', t.dims);
  const lr = b.input(STEP_INPUTS.learningRate, 'float32', []);
  const next = applyOptimizer(b, def, opt, (name) => values[name], gradOf, lr);
  for (const t of carried) b.output(t.kind === 'model-state' ? stateNext(t.name) : next.get(t.name)!, updatedName(t.name));
  b.output(loss, STEP_OUTPUTS.loss);
  b.output(correct, STEP_OUTPUTS.correct);
  return asModel(b.build(`One ${describeOptimizer(opt)} step of ${def.name}: forward, ${lossOf(def).describe}, backward, update.`));
}

export function buildGradientGraph(def: ModelDefinition, layout: TrainingLayout = DEFAULT_TRAINING_LAYOUT): Model {
  refuseModelState(def, 'data-parallel training');
  const { b, loss, correct, gradOf } = differentiate(def, `${def.name}_gradients`, layout);
  for (const p of def.params) b.output(gradOf(p.name), gradName(p.name));
  b.output(loss, STEP_OUTPUTS.loss);
  b.output(correct, STEP_OUTPUTS.correct);
  return asModel(b.build(`Mean ${lossOf(def).describe} of ${def.name} and its gradient w.r.t. every parameter.`));
}

/** A clear refusal for the paths that carry no model state between steps and feed no random values. */
export function refuseModelState(def: ModelDefinition, what: string, { forward = true }: { forward?: boolean } = {}): void {
  const state = stateOf(def);
  if (state.length) {
    throw new Error(`${what} does not carry model state, and ${def.name} has some (${state.map((s) => s.name).join(', ')}): use the native engine on one device`);
  }
  const random = forward ? randomInputsOf(def) : [];
  if (random.length) {
    throw new Error(`${what} does not feed random values, and ${def.name} draws some (${random.map((r) => r.name).join(', ')}): use the native engine on one device`);
  }
}

export const copiedName = (name: string) => `${name}.copy`;

/**
 * Identity of every carried tensor (parameters and optimizer state): run on a WebGPU session, it
 * brings the tensors a step session left in GPU memory to the host.
 */
export function buildCopyOutGraph(def: ModelDefinition, opt: OptimizerConfig = PLAIN_SGD): Model {
  const b = new GraphBuilder(`${def.name}_copy_out`);
  for (const t of carriedTensors(def, opt)) b.output(b.identity(b.input(t.name, 'float32', t.dims)), copiedName(t.name));
  return asModel(b.build(`The parameters and optimizer state of ${def.name}, copied out.`));
}

/** The update alone, for data-parallel training: (lr, parameters and state, gradients) -> updated parameters and state. */
export function buildUpdateGraph(def: ModelDefinition, opt: OptimizerConfig = PLAIN_SGD): Model {
  refuseModelState(def, 'data-parallel training', { forward: false }); // no forward pass here: random values do not matter
  const b = new GraphBuilder(`${def.name}_sgd_update`);
  const lr = b.input(STEP_INPUTS.learningRate, 'float32', []);
  const carried = carriedTensors(def, opt);
  const values = Object.fromEntries(carried.map((t) => [t.name, b.input(t.name, 'float32', t.dims)]));
  const grads = Object.fromEntries(def.params.map((p) => [p.name, b.input(gradName(p.name), 'float32', p.dims)]));
  const next = applyOptimizer(b, def, opt, (name) => values[name], (name) => grads[name], lr);
  for (const t of carried) b.output(next.get(t.name)!, updatedName(t.name));
  return asModel(b.build(`Optimizer update of ${def.name}'s parameters.`));
}
