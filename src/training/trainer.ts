// The training loop: feed (parameters, batch, lr) to the step graph, take the updated parameters
// back, repeat. One session, reusable batch buffers, a seeded shuffle per epoch. The loop can start
// from a checkpointed state, stop cleanly between steps, and refuses to continue past a NaN/Inf or
// exploding loss.
import { Dataset, fillBatch, sampleSize } from '../data/dataset';
import { epochOrder } from '../data/shuffle';
import { ModelDefinition } from '../graph/model-definition';
import { HostTensor } from '../runtime/host-tensor';
import { RuntimeSession, SessionConfig } from '../runtime/session';
import type { Recipe, TrainingState } from './checkpoint';
import { ParamValues } from './init';
import { STEP_INPUTS, STEP_OUTPUTS, updatedName } from './step-graph';

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainHooks {
  onBatch?: (done: number, total: number, meanLoss: number) => void;
  /** After each epoch, with the parameters reached (awaited: it may evaluate them). */
  onEpoch?: (report: EpochReport, params: ParamValues) => void | Promise<void>;
  /** Checked after every step; true ends training with status 'interrupted'. */
  shouldStop?: () => boolean;
  /** Save points: every `count` epochs or steps, with the state reached there. */
  checkpointEvery?: { unit: 'epochs' | 'steps'; count: number };
  onCheckpoint?: (state: TrainingState) => void;
}

export interface TrainOutcome {
  status: 'completed' | 'interrupted' | 'diverged';
  /** The last state with finite values: where to resume from, or the final one. */
  state: TrainingState;
  /** Set when the loss became NaN/Inf or exploded (> EXPLODED_LOSS): where (1-based epoch, 1-based step in it) and its value. */
  divergence?: { epoch: number; step: number; loss: number };
}

/**
 * A loss above this is an explosion, not learning: softmax cross-entropy starts near ln(classes)
 * (2.3 for ten), and 1000 means the logits of a wrong class lead by about a thousand.
 */
export const EXPLODED_LOSS = 1000;

export function initialState(recipe: Recipe, params: ParamValues): TrainingState {
  return { recipe, epoch: 0, step: 0, lossSum: 0, correct: 0, history: [], params };
}

export async function train(
  def: ModelDefinition,
  stepModel: Uint8Array | string,
  start: TrainingState,
  data: Dataset,
  sessionConfig: SessionConfig,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const { recipe } = start;
  const session = await RuntimeSession.create(stepModel, sessionConfig);
  try {
    const feeds: Record<string, HostTensor> = {};
    for (const p of def.params) feeds[p.name] = { dtype: 'float32', dims: p.dims, data: start.params.get(p.name)! };
    feeds[STEP_INPUTS.learningRate] = { dtype: 'float32', dims: [], data: Float32Array.of(recipe.learningRate) };
    const size = sampleSize(data);
    const xBuf = new Float32Array(recipe.batchSize * size);
    const yBuf = new BigInt64Array(recipe.batchSize);
    const n = data.images.count;
    const stepsPerEpoch = Math.ceil(n / recipe.batchSize);
    const history = [...start.history];
    let stepsDone = 0;
    let state = start;
    const snapshot = (epoch: number, step: number, lossSum: number, correct: number): TrainingState => ({
      recipe,
      epoch,
      step,
      lossSum,
      correct,
      history: [...history],
      params: new Map(def.params.map((p) => [p.name, feeds[p.name].data as Float32Array])),
    });
    const every = hooks.checkpointEvery;

    for (let epoch = start.epoch; epoch < recipe.epochs; epoch++) {
      const resumed = epoch === start.epoch;
      const firstStep = resumed ? start.step : 0;
      let lossSum = resumed ? start.lossSum : 0;
      let correct = resumed ? start.correct : 0;
      const started = performance.now();
      const order = epochOrder(n, recipe.seed, epoch);
      for (let step = firstStep; step < stepsPerEpoch; step++) {
        const begin = step * recipe.batchSize;
        const count = Math.min(recipe.batchSize, n - begin);
        const { x, y } = fillBatch(data, order, begin, count, xBuf, yBuf);
        feeds[STEP_INPUTS.images] = { dtype: 'float32', dims: [count, ...def.sampleDims], data: x };
        feeds[STEP_INPUTS.labels] = { dtype: 'int64', dims: [count], data: y };
        const out = await session.run(feeds);
        const loss = (out[STEP_OUTPUTS.loss].data as Float32Array)[0];
        if (!Number.isFinite(loss) || loss > EXPLODED_LOSS) {
          // Keep the parameters from before this step: they are the last finite ones.
          return { status: 'diverged', state, divergence: { epoch: epoch + 1, step: step + 1, loss } };
        }
        for (const p of def.params) feeds[p.name] = out[updatedName(p.name)];
        lossSum += loss * count;
        correct += Number((out[STEP_OUTPUTS.correct].data as BigInt64Array)[0]);
        stepsDone++;
        hooks.onBatch?.(begin + count, n, lossSum / (begin + count));
        const last = step + 1 === stepsPerEpoch;
        if (!last) {
          state = snapshot(epoch, step + 1, lossSum, correct);
          if (every?.unit === 'steps' && stepsDone % every.count === 0) hooks.onCheckpoint?.(state);
          if (hooks.shouldStop?.()) return { status: 'interrupted', state };
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const report: EpochReport = {
        epoch: epoch + 1,
        epochs: recipe.epochs,
        loss: lossSum / n,
        accuracy: correct / n,
        samples: n,
        seconds,
        samplesPerSecond: ((stepsPerEpoch - firstStep) * recipe.batchSize) / seconds,
      };
      history.push(report);
      state = snapshot(epoch + 1, 0, 0, 0);
      await hooks.onEpoch?.(report, state.params);
      const due = every && (every.unit === 'epochs' ? (epoch + 1) % every.count === 0 : stepsDone % every.count === 0);
      if (due && epoch + 1 < recipe.epochs) hooks.onCheckpoint?.(state);
      if (epoch + 1 < recipe.epochs && hooks.shouldStop?.()) return { status: 'interrupted', state };
    }
    return { status: 'completed', state };
  } finally {
    await session.release();
  }
}
