// Which of the project's own engines runs the training steps, chosen in this one place for the
// library, the CLI and compare-ep: the fused step graph (default), K steps per run in an ONNX Loop,
// or data-parallel replicas and micro-batches (gradients summed over parts of the batch). (ONNX
// Runtime's training API is an engine factory of its own, ort-training-engine.ts, kept out of this
// module so that a browser bundle of train() leaves it out.)
import { ModelDefinition, ParamValues } from '../../graph/model-definition';
import { encodeModel } from '../../onnx/encode';
import { PROVIDERS } from '../../runtime/providers';
import { SessionConfig } from '../../runtime/session';
import { PLAIN_SGD } from '../graphs/optimizers/optimizer';
import { buildTrainingLoop } from '../graphs/loop-graph';
import { buildGradientGraph, buildTrainingStep, buildUpdateGraph } from '../graphs/step-graph';
import { optimizerOf, Recipe } from '../recipe';
import { dataParallelEngine } from './data-parallel-engine';
import { loopEngine } from './loop-engine';
import { nativeEngine } from './native-engine';
import { engineProblem, EngineUse } from './engine-limits';
import { StepEngine } from './step-engine';

/**
 * Opens an engine for a run from its starting parameters and recipe; train() releases it at the
 * end. `kind` names an engine whose limits train() knows (engine-limits.ts).
 */
export type EngineFactory = ((model: ModelDefinition, params: ParamValues, recipe: Recipe) => Promise<StepEngine>) & { kind?: 'ort-training' };

export interface EngineChoice {
  /** Replica sessions for data parallel training; empty for one fused session. */
  replicas: SessionConfig[];
  session: SessionConfig;
  /** Samples per gradient run: larger batches are cut into parts whose gradients are summed before the update. */
  microBatch?: number;
  /** Steps per run of the single-session native engine: 1 = the step graph, more = the loop graph. */
  stepsPerRun: number;
  /** The plain-SGD step graph on disk (build-model's), run as it is; built in memory when absent. */
  trainingStepFile?: string;
  /** One line about the engine chosen. */
  onLog?: (line: string) => void;
}

/**
 * Steps per run when none is asked for: on one native CPU session up to 10, and at most 2,000
 * samples per run (the K batches are fed at once); else 1. The Loop gives the same results bit for
 * bit; it saves the host copies of the parameters and optimizer state (measured: x0.95 per SGD
 * step at batch 100, whole `--recipe fast` runs x0.8 with AdamW's three copies).
 */
export const CPU_STEPS_PER_RUN = 10;
const CPU_SAMPLES_PER_RUN = 2000;

export function defaultStepsPerRun(c: Partial<Pick<EngineUse, 'engine' | 'dataParallel' | 'microBatch' | 'ep'>>, batchSize: number): number {
  const oneCpuSession = (c.engine ?? 'native') === 'native' && !c.dataParallel && !c.microBatch && (c.ep ?? 'cpu') === 'cpu';
  return oneCpuSession ? Math.max(1, Math.min(CPU_STEPS_PER_RUN, Math.floor(CPU_SAMPLES_PER_RUN / batchSize))) : 1;
}

/**
 * Samples per gradient run when none is asked for: on one native CPU session, a batch of more than
 * 1,000 samples of a model that can be split (no batch norm, no dropout) runs in micro-batches of
 * at most 1,000; else the whole batch. Measured (LeNet, `train`, 2 threads): batch 10,000 peak RSS
 * 4,501 -> 793 MB and 3,520 -> 6,352 samples/s; 5,000 2,414 -> 784 MB, 5,655 -> 6,492 samples/s;
 * 2,000 1,060 -> 842 MB at the same speed.
 */
export const CPU_MICRO_BATCH = 1000;

export function defaultMicroBatch(c: Partial<Pick<EngineUse, 'engine' | 'dataParallel' | 'stepsPerRun' | 'ep'>>, model: ModelDefinition, batchSize: number): number | undefined {
  const oneCpuSession = (c.engine ?? 'native') === 'native' && !c.dataParallel && (c.stepsPerRun ?? 1) === 1 && (c.ep ?? 'cpu') === 'cpu';
  const splittable = !engineProblem({ engine: 'native', dataParallel: false, microBatch: true, model });
  return oneCpuSession && splittable && batchSize > CPU_MICRO_BATCH ? CPU_MICRO_BATCH : undefined;
}

export async function openEngine(def: ModelDefinition, params: ParamValues, recipe: Recipe, c: EngineChoice): Promise<StepEngine> {
  const log = c.onLog ?? (() => {});
  const opt = optimizerOf(recipe);
  if (c.replicas.length || c.microBatch) {
    const replicas = c.replicas.length ? c.replicas : [c.session];
    const ep = PROVIDERS[replicas[0].ep ?? 'cpu'];
    const where = ep.deviceIds ? `${ep.title} devices (${replicas.map((r) => r.deviceId)})` : `${ep.title} sessions`;
    if (c.replicas.length) log(`data parallel over ${replicas.length} ${where}`);
    if (c.microBatch) log(`gradients over micro-batches of at most ${c.microBatch} samples, summed before each update`);
    const models = { gradients: encodeModel(buildGradientGraph(def)), update: encodeModel(buildUpdateGraph(def, opt)) };
    return dataParallelEngine(def, models, params, opt, replicas, c.microBatch);
  }
  if (c.stepsPerRun > 1) {
    log(`up to ${c.stepsPerRun} steps per run (ONNX Loop)`);
    return loopEngine(def, encodeModel(buildTrainingLoop(def, opt)), params, opt, c.session, c.stepsPerRun, { seed: recipe.seed });
  }
  // The step graph on disk (build-model's) is plain SGD's with cross-entropy; any other optimizer's or loss's is built here.
  const onDisk = (recipe.optimizer === undefined || recipe.optimizer === PLAIN_SGD) && recipe.loss === undefined ? c.trainingStepFile : undefined;
  const step = onDisk ?? encodeModel(buildTrainingStep(def, opt));
  return nativeEngine(def, step, params, opt, c.session, { seed: recipe.seed });
}
