// Architectures the CLI can build, by --model name.
import { cnn } from '../../model/cnn.onnx-builder';
import { lenet } from '../../model/lenet.onnx-builder';
import { mlp } from '../../model/mlp.onnx-builder';
import { ModelDefinition } from '../graph/model-definition';
import { MODELS } from './options';

export const MODEL_DEFINITIONS: Record<(typeof MODELS)[number], ModelDefinition> = { lenet, mlp, cnn };
