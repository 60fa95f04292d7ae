// modelBytes(): a trained model as the bytes of its ONNX inference model (no file written), for
// the browser's download and for exportModel().
import { encodeModel } from '../onnx/encode';
import { exportedModel } from '../training/run/training-run';
import type { TrainedModel } from './train';

export function modelBytes(trained: TrainedModel): Uint8Array {
  const result = { status: trained.status, state: trained.state, finalValAccuracy: trained.valAccuracy, seconds: trained.seconds };
  return encodeModel(exportedModel(trained.model, result, trained.classNames));
}
