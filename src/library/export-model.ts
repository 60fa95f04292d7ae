// exportModel(): a trained model as the self-contained ONNX inference model other apps embed
// (input [N, ...sampleDims] float32, outputs logits and probabilities), with the recipe and the
// class names in its metadata; written atomically when given a path.
import { writeFileAtomic } from '../io/atomic-write';
import { modelBytes } from './model-bytes';
import { TrainedModel } from './train';

export function exportModel(trained: TrainedModel, path?: string): Uint8Array {
  const bytes = modelBytes(trained);
  if (path) writeFileAtomic(path, bytes);
  return bytes;
}
