// The model file that evaluate/predict/demo use: --model-file (as it is), else <artifacts>/<model>.onnx
// checked against --model.
import { ClassifierIo, loadClassifier } from '../inference/load-classifier';
import { artifactPaths } from '../training/run/artifacts';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { MODELS } from './options';

export function classifierFile(args: { model: (typeof MODELS)[number]; artifacts: string; 'model-file'?: string }): ClassifierIo {
  // A file named: its own input sizes and classes (an imported or fine-tuned model may have any).
  if (args['model-file'] !== undefined) return loadClassifier(args['model-file']);
  const def = MODEL_DEFINITIONS[args.model];
  return loadClassifier(artifactPaths(def, args.artifacts).trainedModel, def);
}
