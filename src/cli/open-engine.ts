// Which engine runs the training steps: the fused step graph (default), K steps per run in an ONNX
// Loop (--steps-per-run), data parallel replicas (--replicas / --devices), or ONNX Runtime's
// training API (--engine ort-training).
import { ModelDefinition, ParamValues } from '../graph/model-definition';
import { encodeModel } from '../onnx/encode';
import { buildOrtArtifacts, readOrtArtifacts, writeOrtArtifacts } from '../ort-training/artifact-files';
import { ortEngine } from '../training/engines/ort-training-engine';
import { SessionConfig } from '../runtime/session';
import { Recipe } from '../training/run/checkpoint';
import { dataParallelEngine } from '../training/engines/data-parallel-engine';
import { nativeEngine } from '../training/engines/native-engine';
import { loopEngine } from '../training/engines/loop-engine';
import { buildTrainingLoop } from '../training/graphs/loop-graph';
import { StepEngine } from '../training/engines/step-engine';
import { buildGradientGraph, buildTrainingStep, buildUpdateGraph } from '../training/graphs/step-graph';
import { optimizerOf } from '../training/run/recipe';
import { PLAIN_SGD } from '../training/graphs/optimizers/optimizer';

export interface EngineChoice {
  engine: 'native' | 'ort-training';
  /** Replica sessions for data parallel training; empty for one fused session. */
  replicas: SessionConfig[];
  session: SessionConfig;
  /** Steps per run of the single-session native engine: 1 = the step graph, more = the loop graph. */
  stepsPerRun: number;
  /** Where the ORT training-API engine writes its artifacts (required for it). */
  artifactsDir?: string;
  /** The plain-SGD step graph on disk (build-model's), run as it is; built in memory when absent. */
  trainingStepFile?: string;
  /** One line about the engine chosen. */
  onLog?: (line: string) => void;
}

export async function openEngine(def: ModelDefinition, params: ParamValues, recipe: Recipe, c: EngineChoice): Promise<StepEngine> {
  const log = c.onLog ?? (() => {});
  if (c.engine === 'ort-training') {
    if (!c.artifactsDir) throw new Error('the ORT training-API engine needs an artifacts folder');
    // The artifacts are written from the builder and the recipe (its learning rate is baked into the
    // optimizer model), then read back: what runs is what is on disk.
    const ort = writeOrtArtifacts(c.artifactsDir, def.name, buildOrtArtifacts(def, params, recipe.learningRate, optimizerOf(recipe)));
    log(`ONNX Runtime training API (onnxruntime-web 1.18.0, WebAssembly): artifacts in ${ort.dir}`);
    return ortEngine(def, readOrtArtifacts(c.artifactsDir, def.name)!, params, recipe.learningRate);
  }
  const opt = optimizerOf(recipe);
  if (c.replicas.length) {
    const where = c.replicas[0].ep === 'cuda' ? `CUDA devices (${c.replicas.map((r) => r.deviceId)})` : 'CPU sessions';
    log(`data parallel over ${c.replicas.length} ${where}`);
    const models = { gradients: encodeModel(buildGradientGraph(def)), update: encodeModel(buildUpdateGraph(def, opt)) };
    return dataParallelEngine(def, models, params, opt, c.replicas);
  }
  if (c.stepsPerRun > 1) {
    log(`up to ${c.stepsPerRun} steps per run (ONNX Loop)`);
    return loopEngine(def, encodeModel(buildTrainingLoop(def, opt)), params, opt, c.session, c.stepsPerRun, { seed: recipe.seed });
  }
  // The step graph on disk (build-model's) is plain SGD's; any other optimizer's is built here.
  const onDisk = recipe.optimizer === undefined || recipe.optimizer === PLAIN_SGD ? c.trainingStepFile : undefined;
  const step = onDisk ?? encodeModel(buildTrainingStep(def, opt));
  return nativeEngine(def, step, params, opt, c.session, { seed: recipe.seed });
}
