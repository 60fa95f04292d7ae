// Softmax cross-entropy from standard ops (SoftmaxCrossEntropyLoss has no kernel in inference builds):
// loss = -mean_n log_softmax(logits)[n, y_n];  correct = count of argmax(logits) == y.
import { GraphBuilder } from '../graph/graph-builder';
import { Value } from '../graph/types';

export function softmaxCrossEntropy(b: GraphBuilder, logits: Value, labels: Value): { loss: Value; correct: Value } {
  const logProbs = b.logSoftmax(logits, 1, 'log_probs');
  const picked = b.gatherElements(logProbs, b.unsqueeze(labels, [1], 'labels_column'), 1, 'label_log_prob'); // [N,1]
  const loss = b.neg(b.reduceMean(picked, [0, 1], false, 'mean_log_prob'), 'loss');
  const hits = b.equal(b.argMax(logits, 1, false, 'predicted'), labels, 'hit');
  const correct = b.reduceSum(b.cast(hits, 'int64'), [0], false, 'correct');
  return { loss, correct };
}
