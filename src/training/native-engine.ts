// The default engine: the derived training-step graph on onnxruntime-node. Parameters and
// optimizer state go in, their updated values come out, and are fed back at the next step.
import { Dataset } from '../data/dataset';
import { ModelDefinition } from '../graph/model-definition';
import { HostTensor } from '../runtime/host-tensor';
import { RuntimeSession, SessionConfig } from '../runtime/session';
import { ParamValues } from './init';
import { carriedFeeds, carriedIn, learningRateFeed } from './parameter-feeds';
import { carriedTensors, OptimizerConfig } from './optimizers/optimizer';
import { optimizerOf } from './recipe';
import type { TrainingState } from './checkpoint';
import { checkOneStep, singleStep, StepEngine } from './step-engine';
import { train, TrainHooks, TrainOutcome } from './trainer';
import { STEP_INPUTS, STEP_OUTPUTS, updatedName } from './step-graph';

export async function nativeEngine(
  def: ModelDefinition,
  stepModel: Uint8Array | string,
  params: ParamValues,
  optimizer: OptimizerConfig,
  config: SessionConfig,
): Promise<StepEngine> {
  const session = await RuntimeSession.create(stepModel, config);
  const carried = carriedTensors(def, optimizer);
  const feeds: Record<string, HostTensor> = carriedFeeds(carried, params);
  return {
    stepsPerRun: 1,
    async run(x, y, steps, count, lrs) {
      checkOneStep(steps);
      feeds[STEP_INPUTS.learningRate] = learningRateFeed(lrs[0]);
      feeds[STEP_INPUTS.images] = { dtype: 'float32', dims: [count, ...def.sampleDims], data: x };
      feeds[STEP_INPUTS.labels] = { dtype: 'int64', dims: [count], data: y };
      const out = await session.run(feeds);
      return singleStep(
        (out[STEP_OUTPUTS.loss].data as Float32Array)[0],
        (out[STEP_OUTPUTS.correct].data as Float32Array)[0],
        async () => {
          for (const t of carried) feeds[t.name] = out[updatedName(t.name)];
        },
      );
    },
    params: async () => carriedIn(carried, feeds),
    release: () => session.release(),
  };
}

/** train() on the native engine: opens the session, runs, releases it. */
export async function trainWithStepGraph(
  def: ModelDefinition,
  stepModel: Uint8Array | string,
  start: TrainingState,
  data: Dataset,
  config: SessionConfig,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const engine = await nativeEngine(def, stepModel, start.params, optimizerOf(start.recipe), config);
  try {
    return await train(engine, start, data, hooks);
  } finally {
    await engine.release();
  }
}
