// exportModel(): a trained model as the self-contained ONNX inference model other apps embed
// (input [N, ...sampleDims] float32, outputs logits and probabilities), with the recipe and the
// class names in its metadata; written atomically when given a path.
import { writeFileAtomic } from '../io/atomic-write';
import { encodeModel } from '../onnx/encode';
import { exportedModel } from '../training/training-run';
import { TrainedModel } from './train';

export function exportModel(trained: TrainedModel, path?: string): Uint8Array {
  const result = {
    status: trained.status,
    state: { recipe: trained.recipe, history: trained.history, params: trained.params, epoch: trained.recipe.epochs, step: 0, lossSum: 0, correct: 0 },
    finalValAccuracy: trained.valAccuracy,
    seconds: 0,
  };
  const bytes = encodeModel(exportedModel(trained.model, result, trained.classNames));
  if (path) writeFileAtomic(path, bytes);
  return bytes;
}
