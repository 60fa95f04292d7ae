// modelBytes(): a trained model as the bytes of its ONNX inference model (no file written), for
// the browser's download and for exportModel(). An imported model is its own file with the trained values.
import { stateOf } from '../graph/model-definition';
import { Tensor } from '../graph/types';
import { encodeModel } from '../onnx/encode';
import { replaceInitializers } from '../onnx/replace-initializers';
import { setMetadata } from '../onnx/edit-graph';
import { pixelMetadata } from '../data/pixel-normalization';
import { exportedModel, runMetadata } from '../training/run/training-run';
import type { TrainedModel } from './train';

export function modelBytes(trained: TrainedModel): Uint8Array {
  const { imported } = trained.model;
  if (imported) {
    const carried = [...trained.model.params, ...stateOf(trained.model)];
    const values = carried.map((p): Tensor => ({ name: p.name, dtype: 'float32', dims: p.dims, data: trained.params.get(p.name)! }));
    const trainedFile = replaceInitializers(imported.file, new Map([...imported.inlined, ...values].map((t) => [t.name, t])));
    // What training added to know: how its pictures were fed, and their class names (when they had
    // names). A new head makes a new model: its recipe and accuracies replace any the file had.
    const named = trained.classNames.some((c, i) => c !== String(i));
    return setMetadata(trainedFile, {
      ...(trained.model.pixels ? pixelMetadata(trained.model.pixels) : {}),
      ...(named ? { class_labels: trained.classNames.join(',') } : {}),
      ...(imported.head ? runMetadata(trained.model, { state: trained.state, finalValAccuracy: trained.valAccuracy }) : {}),
    });
  }
  const result = { status: trained.status, state: trained.state, finalValAccuracy: trained.valAccuracy, seconds: trained.seconds };
  return encodeModel(exportedModel(trained.model, result, trained.classNames));
}
