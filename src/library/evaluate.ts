// evaluate(): the accuracy and confusion matrix of a trained model, or of an exported .onnx file,
// on a dataset. Exported files go through the same inference path as `npm run evaluate`.
import { Dataset } from '../data/dataset';
import { ModelDefinition } from '../graph/model-definition';
import { Evaluation, evaluateModel } from '../inference/evaluate';
import { DEFAULT_INFERENCE_BATCH } from '../inference/inference-batch';
import { buildInferenceModel, INFERENCE_IO } from '../inference/inference-graph';
import { ClassifierIo, loadClassifier } from '../inference/load-classifier';
import { encodeModel } from '../onnx/encode';
import { ExecutionProvider, SessionConfig } from '../runtime/session';
import { checkDataFits, TrainedModel } from './train';

export type { Evaluation } from '../inference/evaluate';

export interface EvaluateOptions {
  ep?: ExecutionProvider;
  threads?: number;
  /** Images per ONNX Runtime run (default 1000). */
  batchSize?: number;
  /** Session settings beyond `ep` and `threads` (device id, spinning threads, CPU fallback). */
  session?: SessionConfig;
}

/**
 * A trained model, or an exported model file: with the architecture it was exported from (checked
 * against it), or alone (its own input sizes, classes, and the pixel normalization its metadata records).
 */
export type Evaluable = TrainedModel | { file: string; model?: ModelDefinition };

export async function evaluate(what: Evaluable, data: Dataset, options: EvaluateOptions = {}): Promise<Evaluation> {
  const io: ClassifierIo =
    'file' in what
      ? loadClassifier(what.file, what.model)
      : { path: `trained ${what.model.name}`, bytes: encodeModel(buildInferenceModel(what.model, what.params)), input: INFERENCE_IO.input, output: INFERENCE_IO.logits, classes: what.model.classes, sampleDims: what.model.sampleDims };
  // The file's recorded normalization, else the model definition's.
  io.pixels ??= what.model?.pixels;
  checkDataFits(what.model ?? { name: io.path, sampleDims: io.sampleDims!, classes: io.classes, pixels: io.pixels }, data);
  return evaluateModel(io, data, { batchSize: options.batchSize ?? DEFAULT_INFERENCE_BATCH, session: options.session ?? { ep: options.ep ?? 'cpu', threads: options.threads ?? 0 } });
}
