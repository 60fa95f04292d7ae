// What a classifier really returned, checked before it is shown: the width of its score rows,
// finite values, and whether they are already probabilities (then they are not normalised again).
import { ModelFileError } from './model-file-error';
import { softmaxRows } from './preprocess';

/** Throws ModelFileError unless `scores` holds `rows` finite rows of `classes` values. */
export function checkScores(path: string, output: string, dims: readonly number[], scores: Float32Array, classes: number): void {
  const width = dims[1];
  if (dims.length !== 2 || width !== classes) {
    throw new ModelFileError(`${path}: output '${output}' really has shape [${dims}], expected [N,${classes}] (one score per class)`);
  }
  const bad = scores.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new ModelFileError(`${path}: output '${output}' holds ${scores[bad]} for image ${Math.floor(bad / width) + 1}; the model's weights may be broken`);
  }
}

/** Rows that are already probability distributions (in [0,1], summing to 1). */
function areProbabilities(scores: Float32Array, classes: number): boolean {
  for (let r = 0; r < scores.length / classes; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = scores[r * classes + c];
      if (v < 0 || v > 1) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

/** Probabilities for scores that are either logits or probabilities already. */
export function toProbabilities(scores: Float32Array, classes: number): Float32Array {
  return areProbabilities(scores, classes) ? scores : softmaxRows(scores, classes);
}
