// Every graph the project can emit, by name (for check-ep and its test).
import { ModelDefinition, stateOf } from '../graph/model-definition';
import { Model } from '../graph/types';
import { buildInferenceModel } from '../inference/inference-graph';
import { buildOrtEvalModel } from '../ort-training/artifact-graphs';
import { initParams } from '../training/graphs/init';
import { buildTrainingLoop } from '../training/graphs/loop-graph';
import { buildCopyOutGraph, buildGradientGraph, buildTrainingStep, buildUpdateGraph } from '../training/graphs/step-graph';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { OptimizerConfig, PLAIN_SGD } from '../training/graphs/optimizers/optimizer';

// The optimizers' own ops, once each: AdamW's decoupled decay, Adam's L2, SGD's momentum and its first-step weight.
const ADAMW: OptimizerConfig = { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.01 };
const ADAM: OptimizerConfig = { ...PLAIN_SGD, name: 'adam', weightDecay: 0.01 };
const DAMPENED: OptimizerConfig = { ...PLAIN_SGD, momentum: 0.9, dampening: 0.1 };
const NESTEROV: OptimizerConfig = { ...PLAIN_SGD, momentum: 0.9, nesterov: true, dampening: 0, weightDecay: 1e-4 };

/**
 * Every graph of the named architectures (default all). The ORT training API's training and optimizer models are left out: they need com.microsoft
 * training ops by design. Models with state (BatchNorm) have no data-parallel or ORT-engine graphs.
 */
export function emittedModels(names: (keyof typeof MODEL_DEFINITIONS)[] = Object.keys(MODEL_DEFINITIONS) as (keyof typeof MODEL_DEFINITIONS)[]): [string, Model][] {
  return names.map((name) => MODEL_DEFINITIONS[name]).flatMap(graphsOf);
}

/** Every graph the project emits for one model definition (a built-in architecture or an imported one). */
export function graphsOf(def: ModelDefinition): [string, Model][] {
  const stateless = stateOf(def).length === 0;
  return [
    [`${def.name} training step`, buildTrainingStep(def)],
    [`${def.name} training step (AdamW)`, buildTrainingStep(def, ADAMW)],
    [`${def.name} training loop (--steps-per-run)`, buildTrainingLoop(def)],
    [`${def.name} training loop (Nesterov momentum)`, buildTrainingLoop(def, NESTEROV)],
    ...(['mse', 'l1', 'bce'] as const).map((loss): [string, Model] => [`${def.name} training step (--loss ${loss})`, buildTrainingStep({ ...def, loss })]),
    ...(stateless ? dataParallelGraphs(def) : []),
    [`${def.name} copy-out graph (WebGPU parameters to the host)`, buildCopyOutGraph(def, ADAMW)],
    [`${def.name} inference model`, buildInferenceModel(def, initParams(def, 1))],
    ...(stateless ? [[`${def.name} ORT eval model`, buildOrtEvalModel(def)] as [string, Model]] : []),
  ];
}

const dataParallelGraphs = (def: ModelDefinition): [string, Model][] => [
  [`${def.name} gradient graph (data parallel)`, buildGradientGraph(def)],
  [`${def.name} update graph (data parallel)`, buildUpdateGraph(def)],
  [`${def.name} update graph (data parallel, Adam)`, buildUpdateGraph(def, ADAM)],
  [`${def.name} update graph (data parallel, dampened momentum)`, buildUpdateGraph(def, DAMPENED)],
];
