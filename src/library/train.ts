// train(): a model definition, a dataset and a few options in; trained parameters, the per-epoch
// history and the outcome out. The same derived graphs and engines as `npm run train` (which runs
// through it), with no files written and nothing printed: progress arrives as events.
import { channelsOf, Dataset, sampleSize, targetsPerSample } from '../data/dataset';
import { checkPixelNormalization } from '../data/pixel-normalization';
import { DataError } from '../data/idx-bytes';
import { LOSS_NAMES, LossName, ModelDefinition, ParamValues } from '../graph/model-definition';
import { ExecutionProvider, SessionConfig } from '../runtime/session';
import { initParams } from '../training/graphs/init';
import { estimatedTrainingBytes } from '../training/graphs/memory-estimate';
import { buildTrainingStep } from '../training/graphs/step-graph';
import { cacheFeatures } from './feature-cache';
import { recipeFrom } from './recipe-defaults';
import { engineProblem } from '../training/engines/engine-limits';
import { EngineFactory, openEngine } from '../training/engines/open-engine';
import { OptimizerConfig, OptimizerName } from '../training/graphs/optimizers/optimizer';
import { Recipe, trainedAs } from '../training/recipe';
import { optimizerConfigOf, OptimizerSettings, scheduleConfigOf, ScheduleSettings } from '../training/run/recipe-settings';
import { ScheduleConfig } from '../training/run/schedules';
import { freshStart } from '../training/run/trainer';
import { runTrainingJob, TrainingEvents } from '../training/run/training-run';
import { EpochReport, TrainingState } from '../training/run/training-state';

export type { TrainingEvents } from '../training/run/training-run';
export type { EpochReport } from '../training/run/training-state';
export type { ParamValues } from '../graph/model-definition';
export type { TrainingState } from '../training/run/training-state';
export type { StepEngine } from '../training/engines/step-engine';
export type { Recipe } from '../training/recipe';
export type { SessionConfig } from '../runtime/session';

export type OptimizerOptions = OptimizerSettings & { name: OptimizerName };
export type ScheduleOptions = ScheduleSettings & { name: ScheduleConfig['name'] };

export interface TrainOptions {
  /** Passes over the data (default 10). */
  epochs?: number;
  /** Samples per step (default 100). */
  batchSize?: number;
  /** 'sgd' (default), 'adam', 'adamw', or one with its settings (torch.optim's names and defaults). */
  optimizer?: OptimizerName | OptimizerOptions;
  /** The base learning rate (default 0.03 for SGD, 0.02 for the MLP with SGD, 0.001 for Adam and AdamW). */
  learningRate?: number;
  /** 'constant' (default), 'step', 'cosine', 'onecycle', or one with its settings; applied per step. */
  schedule?: ScheduleConfig['name'] | ScheduleOptions;
  /**
   * What training minimizes on the model's outputs, against the one-hot labels or the data's
   * target values (Dataset.targets): 'cross-entropy' (softmax, the default), 'mse', 'l1' or 'bce'
   * (binary cross-entropy on each output's logit): PyTorch's CrossEntropyLoss, MSELoss, L1Loss,
   * BCEWithLogitsLoss.
   */
  loss?: LossName;
  /** Seeds the initialization and the shuffling (default 42). */
  seed?: number;
  /** Start from these parameters (and model state) instead of a seeded initialization: fine-tuning. */
  initialParams?: ParamValues;
  /** Execution provider (default 'cpu'). */
  ep?: ExecutionProvider;
  /** CPU threads (default 0: ONNX Runtime picks). */
  threads?: number;
  /**
   * Optimizer steps per ONNX Runtime run (an ONNX Loop; the same results bit for bit, fewer host
   * copies). Default 1, so that an abort takes effect after the current step; `defaultStepsPerRun`
   * gives the CLI's faster choice.
   */
  stepsPerRun?: number;
  /**
   * Scored on this data every `every` epochs (default 1) or `{ steps }` steps; with
   * `stopAtAccuracy`, training ends once a step-wise validation reaches it.
   */
  validation?: { data: Dataset; every?: number | { steps: number }; stopAtAccuracy?: number };
  /** Aborting ends training after the current step, with status 'interrupted'. */
  signal?: AbortSignal;
  /** Progress: after each step, each epoch, each validation, each save point. */
  on?: TrainingEvents;
  /** Save points: every `count` epochs or steps, each handed to `on.onCheckpoint` (a state `start` can continue from). */
  checkpointEvery?: { unit: 'epochs' | 'steps'; count: number };
  /**
   * Start from this state: a checkpoint's (the run continues with its recipe, position and
   * parameters) or one the caller made with its own recipe. The recipe options above are then not used.
   */
  start?: TrainingState;
  /**
   * Runs the steps on another engine than the derived graphs on onnxruntime-node, e.g.
   * `ortTrainingEngine(dir)` (ONNX Runtime's training API), or one of your own; released when training ends.
   */
  engine?: EngineFactory;
  /** Data parallel on the native engine: each batch split over one session per entry. */
  replicas?: SessionConfig[];
  /**
   * Gradient accumulation: each batch's gradient computed at most this many samples at a time and
   * summed before the one update (the same step, with the memory of a micro-batch's). Not for
   * models with batch norm (its statistics are the whole batch's) or dropout.
   */
  microBatch?: number;
  /** A plain-SGD step graph file to run as it is (build-model's) instead of building one in memory. */
  trainingStepFile?: string;
  /** One line about the engine chosen. */
  onLog?: (line: string) => void;
  /** Session settings beyond `ep` and `threads` (device id, spinning threads, CPU fallback). */
  session?: SessionConfig;
  /**
   * For a model imported with a new head and its backbone frozen: run the backbone once per sample
   * and train the head on those features (the same updates, without the backbone at every step).
   */
  cacheFeatures?: boolean;
}

export interface TrainedModel {
  model: ModelDefinition;
  /** Parameters and model state (and the optimizer's state), by name. */
  params: ParamValues;
  history: EpochReport[];
  status: 'completed' | 'interrupted' | 'diverged';
  /** Validation accuracy at the end, when validation data was given. */
  valAccuracy?: number;
  /** What was run, as a checkpoint would record it. */
  recipe: Recipe;
  classNames: readonly string[];
  /** Where training ended, as a checkpoint keeps it (`start` continues from it). */
  state: TrainingState;
  /** Set when validation.stopAtAccuracy ended training early. */
  stoppedEarly?: { epoch: number; step: number };
  /** Set when the loss became NaN/Inf or exploded; `state` holds the last finite parameters. */
  divergence?: { epoch: number; step: number; loss: number };
  /** Seconds from the first step to the end. */
  seconds: number;
}

const optimizerConfig = (o: TrainOptions['optimizer']): OptimizerConfig => optimizerConfigOf(typeof o === 'string' ? { name: o } : (o ?? {}));
const scheduleConfig = (s: TrainOptions['schedule']): ScheduleConfig => scheduleConfigOf(typeof s === 'string' ? { name: s } : (s ?? {}));

/** The model's classes named: the dataset's names when it has them, else "0", "1", ... */
export function classNamesOf(model: ModelDefinition, data?: Dataset): readonly string[] {
  return data?.classNames ?? Array.from({ length: model.classes }, (_, i) => String(i));
}

/** Refuses data whose samples or labels the model cannot take, in one sentence. */
export function checkDataFits(model: Pick<ModelDefinition, 'name' | 'sampleDims' | 'classes' | 'pixels'>, data: Dataset): void {
  // One image: [channels, rows, cols]; a grayscale one also as [rows, cols] or [rows * cols] (an imported model's input).
  const { rows, cols } = data.images;
  const channels = channelsOf(data);
  const takes = model.sampleDims.join(',');
  const gray = channels === 1 && (takes === `${rows},${cols}` || takes === `${rows * cols}`);
  if (takes !== `${channels},${rows},${cols}` && !gray) {
    const kind = channels === 1 ? 'grayscale' : channels === 3 ? 'RGB' : `${channels}-channel`;
    throw new DataError(`${data.name} holds ${rows}x${cols} ${kind} images; model '${model.name}' takes [${model.sampleDims}]`);
  }
  if (model.pixels) checkPixelNormalization(model.pixels, channels);
  const classes = data.classNames?.length;
  if (classes !== undefined && classes !== model.classes) {
    throw new DataError(`${data.name} has ${classes} classes; model '${model.name}' predicts ${model.classes}`);
  }
  const perSample = targetsPerSample(data);
  if (perSample && perSample !== model.classes) throw new DataError(`${data.name} holds ${perSample} target values per sample; model '${model.name}' gives ${model.classes} outputs`);
  const bad = data.labels.findIndex((l) => l >= model.classes);
  if (bad >= 0) throw new DataError(`${data.name}: label ${data.labels[bad]} of sample ${bad} is outside model '${model.name}''s ${model.classes} classes`);
  if (sampleSize(data) === 0 || data.images.count === 0) throw new DataError(`${data.name} holds no images`);
}

/**
 * Bytes a training process is estimated to hold at this batch size (from the step graph's live
 * tensors and ONNX Runtime's arena), known before anything runs: `npm run train` refuses a batch
 * above 90% of the machine's memory.
 */
export function trainingMemory(model: ModelDefinition, batchSize: number): number {
  return estimatedTrainingBytes(buildTrainingStep(model), batchSize);
}

/** Where a fresh run of `recipe` starts: `initialParams` (else the seeded initialization) and the optimizer's zeroed state. */
export function startingState(model: ModelDefinition, recipe: Recipe, initialParams?: ParamValues): TrainingState {
  return freshStart(model, recipe, initialParams ?? initParams(model, recipe.seed));
}

/** The recipe the options describe (fresh runs). */
function recipeOf(model: ModelDefinition, data: Dataset, options: TrainOptions): Recipe {
  const recipe = recipeFrom(model.name, { ...options, optimizer: optimizerConfig(options.optimizer), schedule: scheduleConfig(options.schedule) });
  if (!Number.isInteger(recipe.epochs) || recipe.epochs < 1) throw new RangeError(`epochs must be a positive whole number, got ${recipe.epochs}`);
  if (!Number.isInteger(recipe.batchSize) || recipe.batchSize < 1 || recipe.batchSize > data.images.count) {
    throw new RangeError(`batchSize must be a whole number from 1 to the ${data.images.count} samples, got ${recipe.batchSize}`);
  }
  if (!(recipe.learningRate > 0)) throw new RangeError(`learningRate must be positive, got ${recipe.learningRate}`);
  if (recipe.loss !== undefined && !LOSS_NAMES.includes(recipe.loss)) throw new RangeError(`loss must be one of ${LOSS_NAMES.join(', ')}, got ${recipe.loss}`);
  return recipe;
}

/** Trains `model` on `data`; resolves when training ends (completed, interrupted or diverged). */
export async function train(model: ModelDefinition, data: Dataset, options: TrainOptions = {}): Promise<TrainedModel> {
  checkDataFits(model, data);
  if (options.validation) {
    checkDataFits(model, options.validation.data);
    if (!!options.validation.data.targets !== !!data.targets) throw new DataError(`${options.validation.data.name} and ${data.name}: one holds target values, the other labels; validate on the kind of targets training uses`);
    if (data.targets && options.validation.stopAtAccuracy !== undefined) throw new RangeError('stopAtAccuracy needs labels: data with target values has no accuracy');
  }
  let start = options.start;
  start ??= startingState(model, recipeOf(model, data, options), options.initialParams);
  const { recipe } = start;
  const given = model;
  model = trainedAs(model, recipe, !!data.targets); // the graphs training builds carry the recipe's loss and the kind of targets
  const session: SessionConfig = options.session ?? { ep: options.ep ?? 'cpu', threads: options.threads ?? 0 };
  if (options.cacheFeatures) {
    // The head alone, on features computed once; the result is the whole model's.
    const began = performance.now();
    const cached = await cacheFeatures(model, data, options.validation?.data, session);
    const held = cached.validation ? ` and ${cached.validation.images.count.toLocaleString('en-US')} held out` : '';
    options.onLog?.(`features of ${data.images.count.toLocaleString('en-US')} samples${held} computed once (${cached.data.images.cols.toLocaleString('en-US')} values each, ${((performance.now() - began) / 1000).toFixed(1)} s); the head trains on them`);
    const validation = options.validation && { ...options.validation, data: cached.validation! };
    const result = await train(cached.model, cached.data, { ...options, start, validation, cacheFeatures: false, trainingStepFile: undefined });
    return { ...result, model: given, classNames: classNamesOf(given, data) };
  }
  const replicas = options.replicas ?? [];
  const stepsPerRun = options.stepsPerRun ?? 1;
  if (!Number.isInteger(stepsPerRun) || stepsPerRun < 1) throw new RangeError(`stepsPerRun must be a positive whole number, got ${stepsPerRun}`);
  const { microBatch } = options;
  if (microBatch !== undefined && (!Number.isInteger(microBatch) || microBatch < 1)) throw new RangeError(`microBatch must be a positive whole number, got ${microBatch}`);
  if (microBatch !== undefined && options.engine && !options.engine.kind) throw new RangeError('microBatch applies to the native engine; drop engine');
  if (!options.engine || options.engine.kind) {
    const use = { engine: options.engine?.kind ?? 'native', dataParallel: replicas.length > 0, microBatch: microBatch !== undefined, stepsPerRun, ep: session.ep, model, recipe } as const;
    const resumed = start.epoch > 0 || start.step > 0;
    const problem = engineProblem({ ...use, savePoints: !!options.checkpointEvery || resumed });
    if (problem) throw new RangeError(problem);
  }
  const engine = options.engine
    ? await options.engine(model, start.params, recipe)
    : await openEngine(model, start.params, recipe, { replicas, microBatch, session, stepsPerRun, trainingStepFile: options.trainingStepFile, onLog: options.onLog });
  const v = options.validation;
  try {
    const result = await runTrainingJob(
      {
        def: model,
        start,
        data,
        engine,
        validation: v && {
          data: v.data,
          every: typeof v.every === 'object' ? { unit: 'steps', count: v.every.steps } : { unit: 'epochs', count: v.every ?? 1 },
          session,
          stopAtAccuracy: v.stopAtAccuracy,
        },
        checkpointEvery: options.checkpointEvery,
        shouldStop: () => options.signal?.aborted ?? false,
      },
      options.on,
    );
    return {
      model: given,
      params: result.state.params,
      history: result.state.history,
      status: result.status,
      valAccuracy: result.finalValAccuracy,
      recipe,
      classNames: classNamesOf(model, data),
      state: result.state,
      stoppedEarly: result.stoppedEarly,
      divergence: result.divergence,
      seconds: result.seconds,
    };
  } finally {
    await engine.release();
  }
}
