// Training graphs derived from a model definition, all standard ai.onnx ops:
// - the step graph: (parameters, x, y, lr) -> (updated parameters, mean loss, correct count);
// - the gradient graph: (parameters, x, y) -> (d loss / d parameter, mean loss, correct count).
import { gradients } from '../autodiff/backward';
import { GraphBuilder } from '../graph/graph-builder';
import { BATCH_DIM, IR_VERSION, ModelDefinition, OPSET, PRODUCER } from '../graph/model-definition';
import { Graph, Model, Value } from '../graph/types';
import { softmaxCrossEntropy } from './loss';
import { sgdUpdate } from './sgd';

export const STEP_INPUTS = { images: 'x', labels: 'y', learningRate: 'lr' } as const;
export const STEP_OUTPUTS = { loss: 'loss', correct: 'correct' } as const;
export const updatedName = (param: string) => `${param}.updated`;
export const gradName = (param: string) => `${param}_grad`;

/** Forward pass, loss and derived gradients of every parameter, on builder b from the given values. */
export function lossAndGradients(b: GraphBuilder, def: ModelDefinition, params: Record<string, Value>, x: Value, y: Value) {
  const logits = def.forward(b, x, params);
  const { loss, correct } = softmaxCrossEntropy(b, logits, y);
  const grads = gradients(b, loss, Object.values(params));
  return { loss, correct, gradOf: (name: string) => grads.get(params[name])! };
}

/** lossAndGradients on a new builder whose inputs are the parameters, x and y (shared by the training graphs). */
export function differentiate(def: ModelDefinition, graphName: string) {
  const b = new GraphBuilder(graphName);
  const params: Record<string, Value> = {};
  for (const p of def.params) params[p.name] = b.input(p.name, 'float32', p.dims);
  const x = b.input(STEP_INPUTS.images, 'float32', [BATCH_DIM, ...def.sampleDims]);
  const y = b.input(STEP_INPUTS.labels, 'int64', [BATCH_DIM]);
  return { b, params, ...lossAndGradients(b, def, params, x, y) };
}

export const asModel = (graph: Graph, extraOpsets: Record<string, number> = {}): Model => ({
  graph,
  opsets: { '': OPSET, ...extraOpsets },
  irVersion: IR_VERSION,
  producerName: PRODUCER.name,
  producerVersion: PRODUCER.version,
});

export function buildTrainingStep(def: ModelDefinition): Model {
  const { b, params, loss, correct, gradOf } = differentiate(def, `${def.name}_training_step`);
  const lr = b.input(STEP_INPUTS.learningRate, 'float32', []);
  for (const p of def.params) b.output(sgdUpdate(b, params[p.name], gradOf(p.name), lr), updatedName(p.name));
  b.output(loss, STEP_OUTPUTS.loss);
  b.output(correct, STEP_OUTPUTS.correct);
  return asModel(b.build(`One SGD step of ${def.name}: forward, softmax cross-entropy, backward, update.`));
}

export function buildGradientGraph(def: ModelDefinition): Model {
  const { b, loss, correct, gradOf } = differentiate(def, `${def.name}_gradients`);
  for (const p of def.params) b.output(gradOf(p.name), gradName(p.name));
  b.output(loss, STEP_OUTPUTS.loss);
  b.output(correct, STEP_OUTPUTS.correct);
  return asModel(b.build(`Mean softmax cross-entropy of ${def.name} and its gradient w.r.t. every parameter.`));
}

/** The update alone, for data-parallel training: (parameters, gradients, lr) -> updated parameters. */
export function buildUpdateGraph(def: ModelDefinition): Model {
  const b = new GraphBuilder(`${def.name}_sgd_update`);
  const lr = b.input(STEP_INPUTS.learningRate, 'float32', []);
  const params = def.params.map((p) => b.input(p.name, 'float32', p.dims));
  const grads = def.params.map((p) => b.input(gradName(p.name), 'float32', p.dims));
  params.forEach((w, i) => b.output(sgdUpdate(b, w, grads[i], lr), updatedName(def.params[i].name)));
  return asModel(b.build(`SGD update of ${def.name}'s parameters.`));
}
