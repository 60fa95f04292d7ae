// The default engine: the derived training-step graph on onnxruntime-node. Parameters and
// optimizer state go in, their updated values come out, and are fed back at the next step
// (on WebGPU without leaving GPU memory).
import { ModelDefinition, ParamValues } from '../../graph/model-definition';
import { HostTensor } from '../../runtime/host-tensor';
import { PROVIDERS } from '../../runtime/providers';
import { DeviceTensor, isDeviceTensor, RuntimeSession, SessionConfig } from '../../runtime/session';
import { encodeModel } from '../../onnx/encode';
import { carriedFeeds, carriedIn, learningRateFeed } from './parameter-feeds';
import { carriedTensors, OptimizerConfig } from '../graphs/optimizers/optimizer';
import { randomFeeds, randomInputsOf } from '../graphs/random-inputs';
import { checkOneStep, singleStep, StepEngine, targetsFeed } from './step-engine';
import { buildCopyOutGraph, copiedName, STEP_INPUTS, STEP_OUTPUTS, updatedName } from '../graphs/step-graph';

export async function nativeEngine(
  def: ModelDefinition,
  stepModel: Uint8Array | string,
  params: ParamValues,
  optimizer: OptimizerConfig,
  config: SessionConfig,
  { keepOnDevice = true, seed = 0 }: { keepOnDevice?: boolean; seed?: number } = {},
): Promise<StepEngine> {
  const carried = carriedTensors(def, optimizer);
  const randoms = randomInputsOf(def);
  // On WebGPU the updated parameters and state stay in GPU memory and go straight back in; they
  // come to the host only when asked for (validation, checkpoints, the end), through a copy graph.
  // (keepOnDevice: false copies them to the host and back every step, for measuring what that costs.)
  const resident = PROVIDERS[config.ep ?? 'cpu'].keepsOutputsOnDevice && keepOnDevice;
  const session = await RuntimeSession.create(stepModel, resident ? { ...config, deviceOutputs: carried.map((t) => updatedName(t.name)) } : config);
  const copyOut = resident ? await RuntimeSession.create(encodeModel(buildCopyOutGraph(def, optimizer)), config) : undefined;
  const feeds: Record<string, HostTensor | DeviceTensor> = carriedFeeds(carried, params);
  const releaseAll = (tensors: (HostTensor | DeviceTensor)[]) => tensors.forEach((t) => isDeviceTensor(t) && t.release());
  return {
    stepsPerRun: 1,
    async run(x, y, steps, count, lrs, firstStep) {
      checkOneStep(steps);
      Object.assign(feeds, randomFeeds(randoms, seed, firstStep, 1, count, false));
      feeds[STEP_INPUTS.learningRate] = learningRateFeed(lrs[0]);
      feeds[STEP_INPUTS.images] = { dtype: 'float32', dims: [count, ...def.sampleDims], data: x };
      feeds[STEP_INPUTS.labels] = targetsFeed(y, [count], def.classes);
      const out = await session.runKeeping(feeds);
      const updated = carried.map((t) => out[updatedName(t.name)]);
      return singleStep(
        hostScalar(out[STEP_OUTPUTS.loss]),
        hostScalar(out[STEP_OUTPUTS.correct]),
        async () => {
          releaseAll(carried.map((t) => feeds[t.name]));
          carried.forEach((t, i) => (feeds[t.name] = updated[i]));
        },
        async () => releaseAll(updated),
      );
    },
    async params() {
      if (!copyOut) return carriedIn(carried, feeds as Record<string, HostTensor>);
      const copies = await copyOut.run(Object.fromEntries(carried.map((t) => [t.name, feeds[t.name]])));
      return new Map(carried.map((t) => [t.name, copies[copiedName(t.name)].data as Float32Array]));
    },
    async release() {
      releaseAll(carried.map((t) => feeds[t.name]));
      await Promise.all([session, copyOut].map((s) => s?.release()));
    },
  };
}

function hostScalar(t: HostTensor | DeviceTensor): number {
  if (isDeviceTensor(t)) throw new Error('loss and correct count stay on the host');
  return Number(t.data[0]);
}
