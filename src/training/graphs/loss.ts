// Softmax cross-entropy and its gradient w.r.t. the logits, from ops that every execution provider
// runs (ONNX Runtime's WebGPU provider has no LogSoftmax, and no Equal, Unsqueeze, Cast or
// ReduceSum over int64): the labels enter only as Gather indices, everything else is float.
//   targets t = one-hot rows of y;  s = logits - max(logits);  log p = s - log(sum(exp(s)))
//   loss = -mean_n sum_c t * log p;  d loss / d logits = (p - t) / N
//   correct = sum_n,c t * one-hot(argmax(logits))   (a float count, exact below 2^24)
import { GraphBuilder } from '../../graph/graph-builder';
import { Value } from '../../graph/types';

/** Rows `labels` of the classes x classes identity: [...labels.shape, classes] float targets. */
export function oneHot(b: GraphBuilder, labels: Value, classes: number, name = 'targets'): Value {
  const eye = new Float32Array(classes * classes);
  for (let c = 0; c < classes; c++) eye[c * classes + c] = 1;
  return b.gather(b.constant('float32', [classes, classes], eye, 'identity_rows'), labels, 0, name);
}

export interface CrossEntropy {
  loss: Value;
  correct: Value;
  /** d loss / d logits, to seed the backward pass with. */
  logitsGrad: Value;
}

export function softmaxCrossEntropy(b: GraphBuilder, logits: Value, targets: Value): CrossEntropy {
  const classes = logits.shape?.[1];
  if (typeof classes !== 'number') throw new Error(`softmax cross-entropy: logits '${logits.name}' need a static class axis (got [${logits.shape ?? '?'}])`);
  const shifted = b.sub(logits, b.reduceMax(logits, [1], true, 'max_logit'), 'shifted_logits');
  const exps = b.exp(shifted, 'exp_logits');
  const sumExps = b.reduceSum(exps, [1], true, 'sum_exp');
  const logProbs = b.sub(shifted, b.log(sumExps), 'log_probs');
  const picked = b.reduceSum(b.mul(logProbs, targets), [1], false, 'label_log_prob'); // [N]
  const loss = b.neg(b.reduceMean(picked, [0], false, 'mean_log_prob'), 'loss');
  const count = b.reduceSum(targets, [0, 1], false, 'batch_size'); // each row of targets sums to 1
  const logitsGrad = b.div(b.sub(b.div(exps, sumExps, 'probs'), targets), count, 'logits_grad');
  const predicted = oneHot(b, b.argMax(logits, 1, false, 'predicted'), classes, 'predicted_one_hot');
  const correct = b.reduceSum(b.mul(predicted, targets), [0, 1], false, 'correct');
  return { loss, correct, logitsGrad };
}
