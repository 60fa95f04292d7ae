// Every model file the project writes: each emitted graph, plus the ORT training-API models and a
// few optimizer variants, and the graphs made for an imported model, for the tests that hand them to
// other ONNX tools.
import { emittedModels } from '../../src/cli/emitted-models';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { Model } from '../../src/graph/types';
import { buildOrtOptimizerModel, buildOrtTrainingModel } from '../../src/ort-training/artifact-graphs';
import { PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { stateOf } from '../../src/graph/model-definition';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { buildTrainingLoop } from '../../src/training/graphs/loop-graph';
import { importModel } from '../../src/import/import-model';
import { buildOrtEvalModel } from '../../src/ort-training/artifact-graphs';
import { opset9ConvModel } from './hand-made-onnx';

/** A model imported from an opset-9 file (attributes moved to inputs on import). */
const imported = importModel(opset9ConvModel(), { name: 'imported-opset9' });

export const allModels: [string, Model][] = [
  ...emittedModels(),
  ...Object.values(MODEL_DEFINITIONS).filter((def) => !stateOf(def).length).map((def): [string, Model] => [`${def.name} ORT training model`, buildOrtTrainingModel(def)]),
  ['ORT optimizer model', buildOrtOptimizerModel(0.03)],
  ['ORT AdamW optimizer model', buildOrtOptimizerModel(0.001, { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.01 })],
  ...Object.values(MODEL_DEFINITIONS).map((def): [string, Model] => [`${def.name} AdamW training step`, buildTrainingStep(def, { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.01 })]),
  ...Object.values(MODEL_DEFINITIONS).map((def): [string, Model] => [`${def.name} Nesterov training loop`, buildTrainingLoop(def, { ...PLAIN_SGD, momentum: 0.9, nesterov: true })]),
  ['imported opset-9 model training step', buildTrainingStep(imported)],
  ['imported opset-9 model ORT training model', buildOrtTrainingModel(imported)],
  ['imported opset-9 model ORT eval model', buildOrtEvalModel(imported)],
];
