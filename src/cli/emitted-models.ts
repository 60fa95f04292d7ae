// Every graph the project can emit, by name (for check-ep and its test).
import { Model } from '../graph/types';
import { buildInferenceModel } from '../inference/inference-graph';
import { buildOrtEvalModel } from '../ort-training/artifact-graphs';
import { initParams } from '../training/init';
import { buildTrainingLoop } from '../training/loop-graph';
import { buildGradientGraph, buildTrainingStep, buildUpdateGraph } from '../training/step-graph';
import { MODEL_DEFINITIONS } from './model-registry';

/** The ORT training API's training and optimizer models are left out: they need com.microsoft training ops by design. */
export function emittedModels(): [string, Model][] {
  return Object.values(MODEL_DEFINITIONS).flatMap((def): [string, Model][] => [
    [`${def.name} training step`, buildTrainingStep(def)],
    [`${def.name} training loop (--steps-per-run)`, buildTrainingLoop(def)],
    [`${def.name} gradient graph (data parallel)`, buildGradientGraph(def)],
    [`${def.name} update graph (data parallel)`, buildUpdateGraph(def)],
    [`${def.name} inference model`, buildInferenceModel(def, initParams(def, 1))],
    [`${def.name} ORT eval model`, buildOrtEvalModel(def)],
  ]);
}
