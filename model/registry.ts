// Every architecture that comes with the project, by the name --model takes. A new one: its
// model/<name>.onnx-builder.ts and a line here.
import { ModelDefinition } from '../src/graph/model-definition';
import { cnn } from './cnn.onnx-builder';
import { lenet } from './lenet.onnx-builder';
import { mlp } from './mlp.onnx-builder';

export const MODEL_DEFINITIONS = { lenet, mlp, cnn } as const satisfies Record<string, ModelDefinition>;
export type ModelName = keyof typeof MODEL_DEFINITIONS;
export const MODELS = Object.keys(MODEL_DEFINITIONS) as ModelName[];
