// Which of the project's own engines runs the training steps, chosen in this one place for the
// library, the CLI and compare-ep: the fused step graph (default), K steps per run in an ONNX Loop,
// or data-parallel replicas. (ONNX Runtime's training API is an engine factory of its own,
// ort-training-engine.ts, kept out of this module so that a browser bundle of train() leaves it out.)
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
import type { EngineUse } from './engine-limits';
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

export function defaultStepsPerRun(c: Partial<Pick<EngineUse, 'engine' | 'dataParallel' | 'ep'>>, batchSize: number): number {
  const oneCpuSession = (c.engine ?? 'native') === 'native' && !c.dataParallel && (c.ep ?? 'cpu') === 'cpu';
  return oneCpuSession ? Math.max(1, Math.min(CPU_STEPS_PER_RUN, Math.floor(CPU_SAMPLES_PER_RUN / batchSize))) : 1;
}

export async function openEngine(def: ModelDefinition, params: ParamValues, recipe: Recipe, c: EngineChoice): Promise<StepEngine> {
  const log = c.onLog ?? (() => {});
  const opt = optimizerOf(recipe);
  if (c.replicas.length) {
    const ep = PROVIDERS[c.replicas[0].ep ?? 'cpu'];
    const where = ep.deviceIds ? `${ep.title} devices (${c.replicas.map((r) => r.deviceId)})` : `${ep.title} sessions`;
    log(`data parallel over ${c.replicas.length} ${where}`);
    const models = { gradients: encodeModel(buildGradientGraph(def)), update: encodeModel(buildUpdateGraph(def, opt)) };
    return dataParallelEngine(def, models, params, opt, c.replicas);
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
