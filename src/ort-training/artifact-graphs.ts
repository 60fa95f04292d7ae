// The three ONNX models of ONNX Runtime's on-device training format, derived from a model
// definition with the project's own autodiff (the format: docs/ort-training-api.md):
// - training model: parameters, gradient buffers, lazy_reset_grad, x, y -> loss, correct; each
//   gradient is written into its buffer by InPlaceAccumulatorV2 (the one com.microsoft op needed);
// - eval model: parameters, x, y -> loss, correct, and all parameters flattened into one vector
//   (the engine reads them back this way: onnxruntime-web 1.18's getContiguousParameters frees a
//   stack address as if it were heap memory, which corrupts the heap for some parameter counts);
// - optimizer model: one SGDOptimizerV2 (plain SGD) or AdamWOptimizer node, the learning rate baked in.
import { GraphBuilder } from '../graph/graph-builder';
import { BATCH_DIM, forwardContext, ModelDefinition } from '../graph/model-definition';
import { Model, Value } from '../graph/types';
import { asModel, differentiate, lossOf, refuseModelState, STEP_INPUTS, STEP_OUTPUTS, targetsInput } from '../training/graphs/step-graph';
import { attr } from '../graph/types';
import { OPTIMIZERS, OptimizerConfig, PLAIN_SGD } from '../training/graphs/optimizers/optimizer';

export const MS_DOMAIN = 'com.microsoft';
export const LAZY_RESET_GRAD = 'lazy_reset_grad';
export const gradBuffer = (param: string) => `${param}_grad.accumulation.buffer`;
export const gradAccumulated = (param: string) => `${param}_grad.accumulation.out`;
/** The eval model's output holding every parameter's current values, flattened and concatenated in the definition's order. */
export const PARAMETERS_OUTPUT = 'parameters';
export const OPTIMIZER_INPUTS = ['learning_rate', 'step', 'params', 'gradients', 'first_order_moments'] as const;
export const ADAMW_INPUTS = [...OPTIMIZER_INPUTS, 'second_order_moments'] as const;


export function buildOrtTrainingModel(def: ModelDefinition): Model {
  refuseModelState(def, "ONNX Runtime's training API engine");
  const { b, loss, correct, gradOf } = differentiate(def, `${def.name}_ort_training`);
  const reset = b.input(LAZY_RESET_GRAD, 'bool', [1]);
  for (const p of def.params) {
    const buffer = b.input(gradBuffer(p.name), 'float32', p.dims);
    const done = b.op('InPlaceAccumulatorV2', [buffer, gradOf(p.name), reset], {}, { domain: MS_DOMAIN, name: gradAccumulated(p.name) })[0];
    done.dtype = 'bool';
    done.shape = [1];
    b.output(done, gradAccumulated(p.name));
  }
  b.output(loss, STEP_OUTPUTS.loss);
  b.output(correct, STEP_OUTPUTS.correct);
  return asModel(b.build(`${def.name} training model for ONNX Runtime's training API (gradients accumulated in place).`), { [MS_DOMAIN]: 1 });
}

export function buildOrtEvalModel(def: ModelDefinition): Model {
  refuseModelState(def, "ONNX Runtime's training API engine");
  const b = new GraphBuilder(`${def.name}_ort_eval`);
  const params: Record<string, Value> = {};
  for (const p of def.params) params[p.name] = b.input(p.name, 'float32', p.dims);
  const x = b.input(STEP_INPUTS.images, 'float32', [BATCH_DIM, ...def.sampleDims]);
  const logits = def.forward(b, x, params, forwardContext('infer', {}));
  const { loss, correct } = lossOf(def).build(b, logits, targetsInput(b, def, STEP_INPUTS.labels, [BATCH_DIM]));
  b.output(loss, STEP_OUTPUTS.loss);
  b.output(correct, STEP_OUTPUTS.correct);
  const flat = def.params.map((p) => b.reshape(params[p.name], [-1]));
  b.output(b.op('Concat', flat, { axis: attr.int(0) })[0], PARAMETERS_OUTPUT);
  return asModel(b.build(`${def.name} eval model for ONNX Runtime's training API (also returns the parameters, flattened).`));
}

/**
 * SGD (w -= lr * g) or AdamW (PyTorch's: adam_mode 0, bias correction on). The web training API
 * always feeds learning_rate = 0.001 and has no setter, so the recipe's rate is a constant of this
 * graph; a new rate means a new optimizer model.
 */
export function buildOrtOptimizerModel(learningRate: number, c: OptimizerConfig = PLAIN_SGD): Model {
  const problem = OPTIMIZERS[c.name].ortTrainingApiProblem(c);
  if (problem) throw new Error(problem);
  const adamw = c.name === 'adamw';
  const b = new GraphBuilder(adamw ? 'adamw_optimizer' : 'sgd_optimizer');
  b.input(OPTIMIZER_INPUTS[0], 'float32', [1]);
  const step = b.input(OPTIMIZER_INPUTS[1], 'int64', [1]);
  const params = b.input(OPTIMIZER_INPUTS[2], 'float32', undefined, true);
  const grads = b.input(OPTIMIZER_INPUTS[3], 'float32', undefined, true);
  const m1 = b.input(OPTIMIZER_INPUTS[4], 'float32', undefined, true);
  const lr = b.constant('float32', [1], Float32Array.of(learningRate), 'baked_learning_rate');
  if (adamw) {
    const m2 = b.input(ADAMW_INPUTS[5], 'float32', undefined, true);
    // Every attribute explicit: the schema's defaults are not what users expect.
    const attrs = {
      alpha: attr.float(c.beta1),
      beta: attr.float(c.beta2),
      epsilon: attr.float(c.eps),
      weight_decay: attr.float(c.weightDecay),
      adam_mode: attr.int(0), // PyTorch's AdamW: decay first, bias corrections on m and v
      correct_bias: attr.int(1),
    };
    const done = b.op('AdamWOptimizer', [lr, step, params, grads, m1, m2], attrs, { domain: MS_DOMAIN, name: 'updated_flag' })[0];
    done.dtype = 'bool';
    done.shape = [1]; // the kernel gives it step's shape
    b.output(done, 'updated_flag');
    return asModel(b.build(`AdamW with learning rate ${learningRate} (baked in), betas (${c.beta1}, ${c.beta2}), eps ${c.eps}, weight decay ${c.weightDecay}.`), { [MS_DOMAIN]: 1 });
  }
  const done = b.op('SGDOptimizerV2', [lr, params, grads], {}, { domain: MS_DOMAIN, name: 'update_completed' })[0];
  done.dtype = 'bool';
  // A declared shape is required by the ONNX checker; the 1.18 schema infers a scalar (declaring
  // ORT's generator's [1] fails that build's shape inference), so a scalar it is.
  done.shape = [];
  b.output(done, 'update_completed');
  return asModel(b.build(`SGD with learning rate ${learningRate} (baked in).`), { [MS_DOMAIN]: 1 });
}
