// A training run as a library call: from a starting state, data and an engine to the outcome and
// the exported inference model, reporting what happens as events (batches, epochs, validations,
// save points). It prints nothing and writes no file: the CLI (and any other user) decides that.
import { Dataset } from '../../data/dataset';
import { describePixels, pixelMetadata } from '../../data/pixel-normalization';
import { ModelDefinition, PRODUCER, ParamValues } from '../../graph/model-definition';
import { Model } from '../../graph/types';
import { Evaluation, evaluateModel } from '../../inference/evaluate';
import { DEFAULT_INFERENCE_BATCH } from '../../inference/inference-batch';
import { buildInferenceModel, INFERENCE_IO } from '../../inference/inference-graph';
import { encodeModel } from '../../onnx/encode';
import { SessionConfig } from '../../runtime/session';
import { XAVIER_MAGNITUDE } from '../graphs/init';
import { describeOptimizer } from '../graphs/optimizers/optimizer';
import { optimizerOf, scheduleOf } from '../recipe';
import { CONSTANT_LR, describeSchedule, learningRateAt } from './schedules';
import { StepEngine } from '../engines/step-engine';
import { runEpochs, TrainOutcome } from './trainer';
import { EpochReport, TrainingState } from './training-state';

export interface TrainingRunConfig {
  def: ModelDefinition;
  start: TrainingState;
  data: Dataset;
  engine: StepEngine;
  /** Scored every `validateEvery` epochs or steps, with `session`'s settings. */
  validation?: { data: Dataset; every: { unit: 'epochs' | 'steps'; count: number }; session: SessionConfig; stopAtAccuracy?: number };
  checkpointEvery?: { unit: 'epochs' | 'steps'; count: number };
  /** Checked after every step: true ends the run as 'interrupted'. */
  shouldStop?: () => boolean;
}

export interface TrainingEvents {
  /** After each step: samples done in the epoch, of `total`, the epoch's mean loss so far, and this step's own loss and accuracy. */
  onBatch?(done: number, total: number, meanLoss: number, step: { loss: number; accuracy: number }): void;
  /**
   * After each epoch, with its validation accuracy when one was measured (NaN on target values,
   * whose errors `valErrors` gives), and the rate of its last step.
   */
  onEpoch?(report: EpochReport, valAccuracy: number | undefined, learningRate: number, valErrors?: Evaluation['errors']): void | Promise<void>;
  /** After a step-wise validation. */
  onValidation?(steps: number, accuracy: number, secondsSinceStart: number, errors?: Evaluation['errors']): void;
  /** A save point: the state to write. */
  onCheckpoint?(state: TrainingState): void;
}

export interface TrainingRunResult extends TrainOutcome {
  /** The validation accuracy of the parameters reached, when it was measured there. */
  finalValAccuracy?: number;
  seconds: number;
}

/** "SGD lr 0.03" or "AdamW lr 0.006, ..., one cycle (OneCycleLR)": the optimizer and schedule in words. */
export function describeMethod(start: TrainingState): string {
  const { recipe } = start;
  const schedule = scheduleOf(recipe);
  return `${describeOptimizer(optimizerOf(recipe), recipe.learningRate)}${schedule === CONSTANT_LR ? '' : `, ${describeSchedule(schedule)}`}`;
}

export async function runTrainingJob(c: TrainingRunConfig, events: TrainingEvents = {}): Promise<TrainingRunResult> {
  const { def, start, data, validation } = c;
  const { recipe } = start;
  const stepsPerEpoch = Math.ceil(data.images.count / recipe.batchSize);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let finalValAccuracy: number | undefined;
  const validate = async (params: ParamValues) => {
    const bytes = encodeModel(buildInferenceModel(def, params));
    const io = { path: 'current parameters', bytes, input: INFERENCE_IO.input, output: INFERENCE_IO.logits, classes: def.classes, sampleDims: def.sampleDims, pixels: def.pixels };
    return evaluateModel(io, validation!.data, { batchSize: DEFAULT_INFERENCE_BATCH, session: validation!.session });
  };
  const every = validation?.every;
  const outcome = await runEpochs(c.engine, start, data, {
    pixels: def.pixels,
    onBatch: events.onBatch,
    onEpoch: async (r, params) => {
      const scored = every?.unit === 'epochs' && r.epoch % every.count === 0 ? await validate(params) : undefined;
      const valAccuracy = scored?.accuracy;
      if (valAccuracy !== undefined && r.epoch === recipe.epochs) finalValAccuracy = valAccuracy;
      const rate = learningRateAt(recipe.learningRate, scheduleOf(recipe), r.epoch * stepsPerEpoch - 1, recipe.epochs * stepsPerEpoch);
      await events.onEpoch?.(r, valAccuracy, rate, scored?.errors);
    },
    shouldStop: c.shouldStop,
    stepCheck:
      every?.unit === 'steps'
        ? {
            every: every.count,
            check: async (params, steps) => {
              const { accuracy, errors } = await validate(params);
              events.onValidation?.(steps, accuracy, elapsed(), errors);
              const stop = validation!.stopAtAccuracy !== undefined && accuracy >= validation!.stopAtAccuracy;
              if (stop) finalValAccuracy = accuracy;
              return stop;
            },
          }
        : undefined,
    checkpointEvery: c.checkpointEvery,
    onCheckpoint: events.onCheckpoint,
  });
  return { ...outcome, finalValAccuracy, seconds: elapsed() };
}

/** What a run did, as model metadata: its recipe, the model and project version, its accuracies. */
export function runMetadata(def: ModelDefinition, result: Pick<TrainingRunResult, 'state' | 'finalValAccuracy'>): Record<string, string> {
  const { recipe, history } = result.state;
  const last = history[history.length - 1];
  return {
    training_recipe: `${describeMethod(result.state)}; batch=${recipe.batchSize} epochs=${recipe.epochs} Xavier(uniform, avg, ${XAVIER_MAGNITUDE}) seed=${recipe.seed}`,
    model_version: `${def.name} (${PRODUCER.name} ${PRODUCER.version})`,
    train_accuracy: last && !Number.isNaN(last.accuracy) ? last.accuracy.toFixed(4) : 'n/a',
    ...(result.finalValAccuracy !== undefined && !Number.isNaN(result.finalValAccuracy) ? { validation_accuracy: result.finalValAccuracy.toFixed(4) } : {}),
  };
}

/** The inference model of a finished run, with the recipe, accuracies and class names in its metadata. */
export function exportedModel(def: ModelDefinition, result: TrainingRunResult, classNames: readonly string[]): Model {
  return buildInferenceModel(def, result.state.params, {
    ...runMetadata(def, result),
    input_normalization: def.pixels ? `float32 ${describePixels(def.pixels)}, shape [N,${def.sampleDims}]` : `float32 pixels / 255, background 0, ink 1, shape [N,${def.sampleDims}]`,
    ...(def.pixels ? pixelMetadata(def.pixels) : {}),
    class_labels: classNames.join(','),
    ...(result.state.recipe.dataset ? { dataset: result.state.recipe.dataset } : {}),
  });
}
