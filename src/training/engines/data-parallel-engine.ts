// Data parallelism in the seed's manner (split_and_load over a device list): every step, the batch
// is split across replicas, each replica's session computes the mean loss gradient of its slice,
// the host combines them weighted by slice size (= the gradient of the whole batch's mean loss),
// one update graph applies the optimizer once (its state lives with the updater), and the new
// parameters go to every replica.
import { ModelDefinition, ParamValues } from '../../graph/model-definition';
import { HostTensor } from '../../runtime/host-tensor';
import { RuntimeSession, SessionConfig } from '../../runtime/session';
import { carriedFeeds, carriedIn, learningRateFeed } from './parameter-feeds';
import { carriedTensors, OptimizerConfig } from '../graphs/optimizers/optimizer';
import { checkOneStep, singleStep, StepEngine, targetsFeed } from './step-engine';
import { gradName, STEP_INPUTS, STEP_OUTPUTS, updatedName } from '../graphs/step-graph';

/** Slice sizes like MXNet's split_and_load: equal parts, the last one takes the remainder. */
export function splitSizes(count: number, replicas: number): number[] {
  const parts = Math.min(replicas, count);
  const size = Math.floor(count / parts);
  return Array.from({ length: parts }, (_, i) => (i === parts - 1 ? count - size * (parts - 1) : size));
}

export async function dataParallelEngine(
  def: ModelDefinition,
  models: { gradients: Uint8Array; update: Uint8Array },
  params: ParamValues,
  optimizer: OptimizerConfig,
  replicas: SessionConfig[],
): Promise<StepEngine> {
  const carried = carriedTensors(def, optimizer);
  const sessions = await Promise.all(replicas.map((cfg) => RuntimeSession.create(models.gradients, cfg)));
  const updater = await RuntimeSession.create(models.update, replicas[0]);
  const sampleSize = def.sampleDims.reduce((a, d) => a * d, 1);
  let current = carriedFeeds(carried, params);

  return {
    stepsPerRun: 1,
    async run(x, y, steps, count, lrs) {
      checkOneStep(steps);
      const sizes = splitSizes(count, sessions.length);
      let begin = 0;
      const runs = sizes.map((n, r) => {
        const feeds: Record<string, HostTensor> = {
          ...Object.fromEntries(def.params.map((p) => [p.name, current[p.name]])),
          [STEP_INPUTS.images]: { dtype: 'float32', dims: [n, ...def.sampleDims], data: x.subarray(begin * sampleSize, (begin + n) * sampleSize) },
          [STEP_INPUTS.labels]: targetsFeed(y instanceof BigInt64Array ? y.subarray(begin) : y.subarray(begin * def.classes), [n], def.classes),
        };
        begin += n;
        return sessions[r].run(feeds);
      });
      const outs = await Promise.all(runs);
      // d(mean over the batch)/dw = sum_r (n_r / n) * d(mean over slice r)/dw
      const grads: Record<string, HostTensor> = {};
      for (const p of def.params) {
        const sum = new Float32Array((current[p.name].data as Float32Array).length);
        outs.forEach((o, r) => {
          const g = o[gradName(p.name)].data as Float32Array;
          const weight = sizes[r] / count;
          for (let i = 0; i < sum.length; i++) sum[i] += weight * g[i];
        });
        grads[gradName(p.name)] = { dtype: 'float32', dims: p.dims, data: sum };
      }
      const loss = outs.reduce((s, o, r) => s + (o[STEP_OUTPUTS.loss].data as Float32Array)[0] * sizes[r], 0) / count;
      const correct = outs.reduce((s, o) => s + (o[STEP_OUTPUTS.correct].data as Float32Array)[0], 0);
      return singleStep(loss, correct, async () => {
        const updated = await updater.run({ ...current, ...grads, [STEP_INPUTS.learningRate]: learningRateFeed(lrs[0]) });
        const next: Record<string, HostTensor> = {};
        for (const t of carried) next[t.name] = updated[updatedName(t.name)];
        current = next;
      });
    },
    params: async () => carriedIn(carried, current),
    release: async () => {
      await Promise.all([...sessions, updater].map((s) => s.release()));
    },
  };
}
