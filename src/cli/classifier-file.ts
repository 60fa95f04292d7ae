// The model file that evaluate/predict/demo use: --model-file, else <artifacts>/<model>.onnx, checked.
import { ClassifierIo, loadClassifier } from '../inference/load-classifier';
import { artifactPaths } from '../training/run/artifacts';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { MODELS } from './options';

export function classifierFile(args: { model: (typeof MODELS)[number]; artifacts: string; 'model-file'?: string }): ClassifierIo {
  const def = MODEL_DEFINITIONS[args.model];
  return loadClassifier(args['model-file'] ?? artifactPaths(def, args.artifacts).trainedModel, def);
}
