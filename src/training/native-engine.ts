// The default engine: the derived training-step graph on onnxruntime-node. Parameters go in,
// updated parameters come out, and are fed back at the next step.
import { Dataset } from '../data/dataset';
import { ModelDefinition } from '../graph/model-definition';
import { HostTensor } from '../runtime/host-tensor';
import { RuntimeSession, SessionConfig } from '../runtime/session';
import { ParamValues } from './init';
import { learningRateFeed, parameterFeeds, parametersIn } from './parameter-feeds';
import type { TrainingState } from './checkpoint';
import { checkOneStep, singleStep, StepEngine } from './step-engine';
import { train, TrainHooks, TrainOutcome } from './trainer';
import { STEP_INPUTS, STEP_OUTPUTS, updatedName } from './step-graph';

export async function nativeEngine(
  def: ModelDefinition,
  stepModel: Uint8Array | string,
  params: ParamValues,
  learningRate: number,
  config: SessionConfig,
): Promise<StepEngine> {
  const session = await RuntimeSession.create(stepModel, config);
  const feeds: Record<string, HostTensor> = { ...parameterFeeds(def, params), [STEP_INPUTS.learningRate]: learningRateFeed(learningRate) };
  return {
    stepsPerRun: 1,
    async run(x, y, steps, count) {
      checkOneStep(steps);
      feeds[STEP_INPUTS.images] = { dtype: 'float32', dims: [count, ...def.sampleDims], data: x };
      feeds[STEP_INPUTS.labels] = { dtype: 'int64', dims: [count], data: y };
      const out = await session.run(feeds);
      return singleStep(
        (out[STEP_OUTPUTS.loss].data as Float32Array)[0],
        Number((out[STEP_OUTPUTS.correct].data as BigInt64Array)[0]),
        async () => {
          for (const p of def.params) feeds[p.name] = out[updatedName(p.name)];
        },
      );
    },
    params: async () => parametersIn(def, feeds),
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
  const engine = await nativeEngine(def, stepModel, start.params, start.recipe.learningRate, config);
  try {
    return await train(engine, start, data, hooks);
  } finally {
    await engine.release();
  }
}
