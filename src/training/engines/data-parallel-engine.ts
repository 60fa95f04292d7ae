// Data parallelism in the seed's manner (split_and_load over a device list): every step, the batch
// is split across replicas, each replica's session computes the mean loss gradient of its slice,
// the host combines them weighted by slice size (= the gradient of the whole batch's mean loss),
// one update graph applies the optimizer once (its state lives with the updater), and the new
// parameters go to every replica. With a micro-batch size the batch is cut into more slices than
// replicas, run a round of replicas at a time (gradient accumulation: the same step, with the
// memory of a micro-batch's).
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

/** count samples in `parts` slices whose sizes differ by at most one (each at most ceil(count / parts)). */
export function balancedSizes(count: number, parts: number): number[] {
  const n = Math.min(parts, count);
  return Array.from({ length: n }, (_, i) => Math.floor(count / n) + (i < count % n ? 1 : 0));
}

export async function dataParallelEngine(
  def: ModelDefinition,
  models: { gradients: Uint8Array; update: Uint8Array },
  params: ParamValues,
  optimizer: OptimizerConfig,
  replicas: SessionConfig[],
  microBatch?: number,
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
      const sizes = microBatch ? balancedSizes(count, Math.max(sessions.length, Math.ceil(count / microBatch))) : splitSizes(count, sessions.length);
      const starts = sizes.map((_, r) => sizes.slice(0, r).reduce((a, n) => a + n, 0));
      const slice = (r: number) => {
        const [begin, n] = [starts[r], sizes[r]];
        const feeds: Record<string, HostTensor> = {
          ...Object.fromEntries(def.params.map((p) => [p.name, current[p.name]])),
          [STEP_INPUTS.images]: { dtype: 'float32', dims: [n, ...def.sampleDims], data: x.subarray(begin * sampleSize, (begin + n) * sampleSize) },
          [STEP_INPUTS.labels]: targetsFeed(y instanceof BigInt64Array ? y.subarray(begin) : y.subarray(begin * def.classes), [n], def.classes),
        };
        return sessions[r % sessions.length].run(feeds);
      };
      // d(mean over the batch)/dw = sum_r (n_r / n) * d(mean over slice r)/dw, summed a round of one slice per session at a time.
      const sums = Object.fromEntries(def.params.map((p) => [p.name, new Float32Array((current[p.name].data as Float32Array).length)]));
      let [loss, correct] = [0, 0];
      for (let first = 0; first < sizes.length; first += sessions.length) {
        const round = sizes.slice(first, first + sessions.length).map((_, k) => first + k);
        const outs = await Promise.all(round.map(slice));
        outs.forEach((o, k) => {
          const weight = sizes[round[k]] / count;
          for (const p of def.params) {
            const [g, sum] = [o[gradName(p.name)].data as Float32Array, sums[p.name]];
            for (let i = 0; i < sum.length; i++) sum[i] += weight * g[i];
          }
          loss += (o[STEP_OUTPUTS.loss].data as Float32Array)[0] * sizes[round[k]];
          correct += (o[STEP_OUTPUTS.correct].data as Float32Array)[0];
        });
      }
      const grads: Record<string, HostTensor> = Object.fromEntries(def.params.map((p) => [gradName(p.name), { dtype: 'float32', dims: p.dims, data: sums[p.name] }]));
      return singleStep(loss / count, correct, async () => {
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
