// The training loop, whatever engine runs the steps (one or several per run): reusable batch
// buffers, a seeded shuffle per epoch, per-epoch reports. It can start from a checkpointed state, stop cleanly between steps,
// and refuses to apply a step whose loss is NaN/Inf or exploding.
import { Dataset, fillBatch, sampleSize, targetsPerSample } from '../../data/dataset';
import { PixelNormalization } from '../../data/pixel-normalization';
import { epochOrder } from '../../data/shuffle';
import { ModelDefinition, ParamValues } from '../../graph/model-definition';
import { SessionConfig } from '../../runtime/session';
import { nativeEngine } from '../engines/native-engine';
import { StepEngine } from '../engines/step-engine';
import { initialOptimizerState } from '../graphs/optimizers/optimizer';
import type { Recipe } from '../recipe';
import { optimizerOf, scheduleOf } from '../recipe';
import { learningRateAt } from './schedules';
import type { EpochReport, TrainingState } from './training-state';

export type { EpochReport } from './training-state';


export interface TrainHooks {
  /** How the images' bytes become the model's input (default MNIST's: / 255). */
  pixels?: PixelNormalization;
  /** After each step: samples done in the epoch, of `total`, the epoch's mean loss so far, and this step's own loss and accuracy. */
  onBatch?: (done: number, total: number, meanLoss: number, step: { loss: number; accuracy: number }) => void;
  /** After each epoch, with the parameters reached (awaited: it may evaluate them). */
  onEpoch?: (report: EpochReport, params: ParamValues) => void | Promise<void>;
  /**
   * Every `every` steps, a check of the parameters reached (e.g. validation accuracy); true ends
   * training there with status 'completed' and `stoppedEarly` set.
   */
  stepCheck?: { every: number; check: (params: ParamValues, stepsDone: number) => Promise<boolean> };
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
  /** Set when stepCheck ended training before the last epoch. */
  stoppedEarly?: { epoch: number; step: number };
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

/** The start of a fresh run: the model's parameters (and state), and the recipe's optimizer state at zero. */
export function freshStart(def: ModelDefinition, recipe: Recipe, modelParams: ParamValues): TrainingState {
  return initialState(recipe, new Map([...modelParams, ...initialOptimizerState(def, optimizerOf(recipe))]));
}

export async function runEpochs(
  engine: StepEngine,
  start: TrainingState,
  data: Dataset,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const { recipe } = start;
  const size = sampleSize(data);
  const batch = recipe.batchSize;
  const xBuf = new Float32Array(engine.stepsPerRun * batch * size);
  const k = targetsPerSample(data);
  const yBuf = k ? new Float32Array(engine.stepsPerRun * batch * k) : new BigInt64Array(engine.stepsPerRun * batch);
  const n = data.images.count;
  const stepsPerEpoch = Math.ceil(n / batch);
  const totalSteps = stepsPerEpoch * recipe.epochs;
  const lrs = new Float32Array(engine.stepsPerRun);
  const history = [...start.history];
  let stepsDone = 0;
  const stateAt = async (epoch: number, step: number, lossSum: number, correct: number): Promise<TrainingState> => ({
    recipe,
    epoch,
    step,
    lossSum,
    correct,
    history: [...history],
    params: await engine.params(),
  });
  const every = hooks.checkpointEvery;
  /** Steps to the next step check or step save point: a multi-step run ends there, so both see those exact parameters. */
  const stepsToNextStop = () =>
    Math.min(
      ...[hooks.stepCheck?.every, every?.unit === 'steps' ? every.count : undefined]
        .filter((k): k is number => k !== undefined)
        .map((k) => k - (stepsDone % k)),
    );

  for (let epoch = start.epoch; epoch < recipe.epochs; epoch++) {
    const resumed = epoch === start.epoch;
    const firstStep = resumed ? start.step : 0;
    let lossSum = resumed ? start.lossSum : 0;
    let correct = resumed ? start.correct : 0;
    const started = performance.now();
    const order = epochOrder(n, recipe.seed, epoch);
    let step = firstStep;
    /** The epoch's report over the samples seen so far (all of them once the epoch is done). */
    const reportSoFar = (): EpochReport => {
      const seen = Math.min(step * batch, n);
      const seconds = (performance.now() - started) / 1000;
      return {
        epoch: epoch + 1,
        epochs: recipe.epochs,
        loss: lossSum / seen,
        accuracy: k ? NaN : correct / seen, // no accuracy against target values
        samples: seen,
        seconds,
        samplesPerSecond: ((step - firstStep) * batch) / seconds,
      };
    };
    while (step < stepsPerEpoch) {
      const begin = step * batch;
      const count = Math.min(batch, n - begin);
      // One run takes up to stepsPerRun full batches (back to back in the shuffled order); a short last batch runs alone.
      const steps = count < batch ? 1 : Math.min(engine.stepsPerRun, Math.floor((n - begin) / batch), stepsToNextStop());
      const { x, y } = fillBatch(data, order, begin, steps * count, xBuf, yBuf, hooks.pixels);
      for (let i = 0; i < steps; i++) lrs[i] = learningRateAt(recipe.learningRate, scheduleOf(recipe), epoch * stepsPerEpoch + step + i, totalSteps);
      const result = await engine.run(x, y, steps, count, lrs, epoch * stepsPerEpoch + step);
      const bad = result.losses.findIndex((loss) => !Number.isFinite(loss) || loss > EXPLODED_LOSS);
      const good = bad < 0 ? steps : bad;
      // A diverged step's update, and any after it, are not applied: the parameters stay the last finite ones.
      await result.commit(good);
      for (let i = 0; i < good; i++) {
        lossSum += result.losses[i] * count;
        correct += result.corrects[i];
        stepsDone++;
        const seen = begin + (i + 1) * count;
        hooks.onBatch?.(seen, n, lossSum / seen, { loss: result.losses[i], accuracy: k ? NaN : result.corrects[i] / count });
      }
      step += good;
      if (bad >= 0) {
        return {
          status: 'diverged',
          state: await stateAt(epoch, step, lossSum, correct),
          divergence: { epoch: epoch + 1, step: step + 1, loss: result.losses[bad] },
        };
      }
      if (hooks.stepCheck && stepsDone % hooks.stepCheck.every === 0 && (await hooks.stepCheck.check(await engine.params(), stepsDone))) {
        history.push(reportSoFar());
        return { status: 'completed', stoppedEarly: { epoch: epoch + 1, step }, state: await stateAt(epoch + 1, 0, 0, 0) };
      }
      if (step < stepsPerEpoch) {
        if (every?.unit === 'steps' && stepsDone % every.count === 0) hooks.onCheckpoint?.(await stateAt(epoch, step, lossSum, correct));
        if (hooks.shouldStop?.()) return { status: 'interrupted', state: await stateAt(epoch, step, lossSum, correct) };
      }
    }
    const report = reportSoFar();
    history.push(report);
    const state = await stateAt(epoch + 1, 0, 0, 0);
    await hooks.onEpoch?.(report, state.params);
    const due = every && (every.unit === 'epochs' ? (epoch + 1) % every.count === 0 : stepsDone % every.count === 0);
    if (due && epoch + 1 < recipe.epochs) hooks.onCheckpoint?.(state);
    if (epoch + 1 < recipe.epochs && hooks.shouldStop?.()) return { status: 'interrupted', state };
  }
  return { status: 'completed', state: await stateAt(recipe.epochs, 0, 0, 0) };
}

/** runEpochs() on the native engine: opens the session, runs, releases it. */
export async function runEpochsOnStepGraph(
  def: ModelDefinition,
  stepModel: Uint8Array | string,
  start: TrainingState,
  data: Dataset,
  config: SessionConfig,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const engine = await nativeEngine(def, stepModel, start.params, optimizerOf(start.recipe), config, { seed: start.recipe.seed });
  try {
    return await runEpochs(engine, start, data, hooks);
  } finally {
    await engine.release();
  }
}
