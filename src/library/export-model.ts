// exportModel(): a trained model as the self-contained ONNX inference model other apps embed
// (input [N, ...sampleDims] float32, outputs logits and probabilities), with the recipe and the
// class names in its metadata; written atomically when given a path.
import { writeFileAtomic } from '../io/atomic-write';
import { encodeModel } from '../onnx/encode';
import { exportedModel } from '../training/training-run';
import { TrainedModel } from './train';

export function exportModel(trained: TrainedModel, path?: string): Uint8Array {
  const result = { status: trained.status, state: trained.state, finalValAccuracy: trained.valAccuracy, seconds: trained.seconds };
  const bytes = encodeModel(exportedModel(trained.model, result, trained.classNames));
  if (path) writeFileAtomic(path, bytes);
  return bytes;
}
