// The losses training minimizes, and each one's gradient w.r.t. the model's outputs, from ops that
// every execution provider runs (ONNX Runtime's WebGPU provider has no LogSoftmax, and no Equal,
// Unsqueeze, Cast or ReduceSum over int64): the labels enter only as Gather indices (one-hot
// targets t [N, K]), everything else is float. Each mean is over what PyTorch's default averages.
//   correct = sum_n,c t * one-hot(argmax(outputs))   (a float count, exact below 2^24)
import { GraphBuilder } from '../../graph/graph-builder';
import { LossName } from '../../graph/model-definition';
import { Value } from '../../graph/types';

/** Rows `labels` of the classes x classes identity: [...labels.shape, classes] float targets. */
export function oneHot(b: GraphBuilder, labels: Value, classes: number, name = 'targets'): Value {
  const eye = new Float32Array(classes * classes);
  for (let c = 0; c < classes; c++) eye[c * classes + c] = 1;
  return b.gather(b.constant('float32', [classes, classes], eye, 'identity_rows'), labels, 0, name);
}

export interface LossGraph {
  loss: Value;
  correct: Value;
  /** d loss / d outputs, to seed the backward pass with. */
  logitsGrad: Value;
}

function classesOf(logits: Value, what: string): number {
  const classes = logits.shape?.[1];
  if (typeof classes !== 'number') throw new Error(`${what}: outputs '${logits.name}' need a static class axis (got [${logits.shape ?? '?'}])`);
  return classes;
}

/** Samples whose largest output is their label's. */
function correctCount(b: GraphBuilder, logits: Value, targets: Value): Value {
  const predicted = oneHot(b, b.argMax(logits, 1, false, 'predicted'), classesOf(logits, 'accuracy'), 'predicted_one_hot');
  return b.reduceSum(b.mul(predicted, targets), [0, 1], false, 'correct');
}

//   s = logits - max(logits);  log p = s - log(sum(exp(s)));  loss = -mean_n sum_c t * log p
//   d loss / d logits = (p - t) / N
export function softmaxCrossEntropy(b: GraphBuilder, logits: Value, targets: Value): LossGraph {
  classesOf(logits, 'softmax cross-entropy');
  const shifted = b.sub(logits, b.reduceMax(logits, [1], true, 'max_logit'), 'shifted_logits');
  const exps = b.exp(shifted, 'exp_logits');
  const sumExps = b.reduceSum(exps, [1], true, 'sum_exp');
  const logProbs = b.sub(shifted, b.log(sumExps), 'log_probs');
  const picked = b.reduceSum(b.mul(logProbs, targets), [1], false, 'label_log_prob'); // [N]
  const loss = b.neg(b.reduceMean(picked, [0], false, 'mean_log_prob'), 'loss');
  const count = b.reduceSum(targets, [0, 1], false, 'batch_size'); // each row of targets sums to 1
  const logitsGrad = b.div(b.sub(b.div(exps, sumExps, 'probs'), targets), count, 'logits_grad');
  return { loss, correct: correctCount(b, logits, targets), logitsGrad };
}

/** N * K as a float: the number of outputs the element-wise losses average over. */
const outputCount = (b: GraphBuilder, targets: Value) => b.reduceSum(b.add(b.mul(targets, b.f32(0, 'zero')), b.f32(1, 'one')), [0, 1], false, 'output_count');

//   d = o - t;  loss = mean(d^2);  d loss / d o = 2 d / (N K)
function meanSquaredError(b: GraphBuilder, logits: Value, targets: Value): LossGraph {
  const d = b.sub(logits, targets, 'errors');
  const loss = b.reduceMean(b.mul(d, d, 'squared_errors'), [0, 1], false, 'loss');
  const logitsGrad = b.div(b.mul(d, b.f32(2, 'two')), outputCount(b, targets), 'logits_grad');
  return { loss, correct: correctCount(b, logits, targets), logitsGrad };
}

//   d = o - t;  loss = mean(|d|);  d loss / d o = sign(d) / (N K)   (0 where d = 0, as PyTorch)
function meanAbsoluteError(b: GraphBuilder, logits: Value, targets: Value): LossGraph {
  const d = b.sub(logits, targets, 'errors');
  const loss = b.reduceMean(b.op('Abs', [d], {}, { name: 'absolute_errors' })[0], [0, 1], false, 'loss');
  // sign(d) as (d > 0) - (d < 0): WebGPU has no Sign kernel
  const zero = b.f32(0, 'zero');
  const sign = b.sub(b.cast(b.greater(d, zero), 'float32'), b.cast(b.less(d, zero), 'float32'), 'error_signs');
  const logitsGrad = b.div(sign, outputCount(b, targets), 'logits_grad');
  return { loss, correct: correctCount(b, logits, targets), logitsGrad };
}

//   loss = mean(max(o, 0) - o t + log(1 + exp(-|o|)))   (log(1 + exp(o)) - o t, without overflow)
//   d loss / d o = (sigmoid(o) - t) / (N K)
function binaryCrossEntropy(b: GraphBuilder, logits: Value, targets: Value): LossGraph {
  const softplus = b.log(b.add(b.f32(1, 'one'), b.exp(b.neg(b.op('Abs', [logits], {}, { name: 'abs_logits' })[0]))), 'log1p_exp');
  const perOutput = b.add(b.sub(b.relu(logits), b.mul(logits, targets)), softplus, 'binary_cross_entropy');
  const loss = b.reduceMean(perOutput, [0, 1], false, 'loss');
  const logitsGrad = b.div(b.sub(b.sigmoid(logits), targets), outputCount(b, targets), 'logits_grad');
  return { loss, correct: correctCount(b, logits, targets), logitsGrad };
}

export const LOSSES: Record<LossName, { describe: string; build(b: GraphBuilder, logits: Value, targets: Value): LossGraph }> = {
  'cross-entropy': { describe: 'softmax cross-entropy', build: softmaxCrossEntropy },
  mse: { describe: 'mean squared error', build: meanSquaredError },
  l1: { describe: 'mean absolute error', build: meanAbsoluteError },
  bce: { describe: 'binary cross-entropy with logits', build: binaryCrossEntropy },
};
