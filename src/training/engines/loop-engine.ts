// --steps-per-run K: the training loop graph on onnxruntime-node, up to K optimizer steps per run().
// Parameters and optimizer state stay inside the run between steps; they cross to and from the
// host once per run.
import { ModelDefinition, ParamValues } from '../../graph/model-definition';
import { HostTensor } from '../../runtime/host-tensor';
import { RuntimeSession, SessionConfig } from '../../runtime/session';
import { carriedFeeds, carriedIn } from './parameter-feeds';
import { carriedTensors, OptimizerConfig } from '../graphs/optimizers/optimizer';
import { LOOP_INPUTS, LOOP_OUTPUTS } from '../graphs/loop-graph';
import { BatchTargets, StepEngine, targetsFeed } from './step-engine';
import { randomFeeds, randomInputsOf } from '../graphs/random-inputs';
import { updatedName } from '../graphs/step-graph';

export async function loopEngine(
  def: ModelDefinition,
  loopModel: Uint8Array,
  params: ParamValues,
  optimizer: OptimizerConfig,
  config: SessionConfig,
  stepsPerRun: number,
  { seed = 0 }: { seed?: number } = {},
): Promise<StepEngine> {
  if (!Number.isInteger(stepsPerRun) || stepsPerRun < 1) throw new Error(`steps per run must be a positive integer, got ${stepsPerRun}`);
  const session = await RuntimeSession.create(loopModel, config);
  const carried = carriedTensors(def, optimizer);
  const feeds: Record<string, HostTensor> = carriedFeeds(carried, params);
  const sample = def.sampleDims.reduce((a, d) => a * d, 1);
  const randoms = randomInputsOf(def);

  /** The first `steps` batches of x, y in one run, from the committed parameters. */
  const runSteps = (x: Float32Array, y: BatchTargets, steps: number, count: number, lrs: Float32Array, firstStep: number) =>
    session.run({
      ...feeds,
      ...randomFeeds(randoms, seed, firstStep, steps, count, true),
      [LOOP_INPUTS.images]: { dtype: 'float32', dims: [steps, count, ...def.sampleDims], data: x.subarray(0, steps * count * sample) },
      [LOOP_INPUTS.labels]: targetsFeed(y, [steps, count], def.classes),
      [LOOP_INPUTS.learningRates]: { dtype: 'float32', dims: [steps], data: lrs.subarray(0, steps) },
    });

  return {
    stepsPerRun,
    async run(x, y, steps, count, lrs, firstStep) {
      if (steps < 1 || steps > stepsPerRun) throw new Error(`asked for ${steps} steps in one run; this engine takes 1 to ${stepsPerRun}`);
      const out = await runSteps(x, y, steps, count, lrs, firstStep);
      return {
        losses: Array.from(out[LOOP_OUTPUTS.losses].data as Float32Array),
        corrects: Array.from(out[LOOP_OUTPUTS.corrects].data as Float32Array),
        commit: async (done) => {
          if (done === 0) return;
          // Fewer than all (a later step diverged): redo the first `done` steps alone. Same inputs and
          // kernels give the same parameters the full run passed through.
          const reached = done === steps ? out : await runSteps(x, y, done, count, lrs, firstStep);
          for (const t of carried) feeds[t.name] = reached[updatedName(t.name)];
        },
      };
    },
    params: async () => carriedIn(carried, feeds),
    release: () => session.release(),
  };
}
