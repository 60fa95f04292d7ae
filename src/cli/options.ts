// Options shared by several commands, declared once.
import { LOSS_NAMES, ModelDefinition } from '../graph/model-definition';
import type { Options } from 'yargs';
import { EXECUTION_PROVIDERS, ExecutionProvider, PROVIDERS } from '../runtime/providers';
import { EngineUse, EngineWords, engineProblem } from '../training/engines/engine-limits';
import { defaultMicroBatch, defaultStepsPerRun } from '../training/engines/open-engine';
import { UsageError } from './errors';
import { DEFAULT_ARTIFACTS_DIR } from '../training/run/artifacts';
import { projectPath } from './user-cwd';
import { DATASET_NAMES } from '../data/dataset-catalog';

export { MODELS } from '../../model/registry';
import { MODELS } from '../../model/registry';

/** An ONNX file made elsewhere, and which of its initializers train (importModel's options). */
export const importOptions = {
  'model-file': { type: 'string', describe: 'train this ONNX model (exported by PyTorch, a model zoo, ...) instead of a built-in architecture; writes <artifacts>/<its base name>.onnx' },
  trainable: { type: 'array', string: true, describe: 'with --model-file: the initializers that train (names or globs like "fc.*"); default every layer\'s weights and biases' },
  freeze: { type: 'array', string: true, describe: 'with --model-file: initializers kept as they are (names or globs like "stem.*")' },
  'batch-norm': {
    choices: ['eval', 'train'] as const,
    describe: 'with --model-file: eval (default) trains BatchNormalization as PyTorch\'s model.eval() does, on its running statistics; train uses batch statistics and updates the running statistics',
  },
} as const satisfies Record<string, Options>;

/** Transfer learning on an imported model: a new classifier for the data's classes, and how its pictures are fed. */
export const newHeadOptions = {
  'new-head': { type: 'boolean', describe: 'with --model-file: replace its classifier (the last Gemm/MatMul) by a fresh dense layer with one output per class of the data, and train only that' },
  'head-after': { type: 'string', describe: 'with --new-head: the tensor or node whose output the new head takes (default the input of the last Gemm/MatMul)' },
  'cache-features': { type: 'boolean', describe: 'with --new-head and a frozen backbone: run the backbone once per picture and train the head on its stored features (same result, faster)' },
  'train-backbone': { type: 'boolean', describe: 'with --new-head: train the layers before the head too (default: they stay frozen)' },
  mean: { type: 'string', describe: 'with --model-file: per-channel mean subtracted from the pixels, e.g. 0.485,0.456,0.406 (recorded in the exported model)' },
  std: { type: 'string', describe: 'with --model-file: per-channel standard deviation the pixels are divided by after the mean, e.g. 0.229,0.224,0.225' },
  'pixel-range': { choices: ['0-1', '0-255'] as const, describe: 'with --model-file: pixels as value / 255 (0-1, default) or the raw value (0-255), before --mean and --std' },
} as const satisfies Record<string, Options>;

/** --loss: what the training graphs minimize (train, compare-ep, build-model). */
export const lossOption = {
  loss: {
    choices: LOSS_NAMES,
    describe: 'what training minimizes against the one-hot labels: cross-entropy (softmax, the default), mse, l1, bce (binary cross-entropy on each output\'s logit); PyTorch\'s CrossEntropyLoss, MSELoss, L1Loss, BCEWithLogitsLoss',
  },
} as const;

export const modelOption = {
  model: { choices: MODELS, default: 'lenet' as const, describe: 'architecture (model/<name>.onnx-builder.ts)' },
} satisfies Record<string, Options>;

export const artifactsOption = {
  artifacts: { type: 'string', default: projectPath(DEFAULT_ARTIFACTS_DIR), describe: 'directory for built and trained models' },
} satisfies Record<string, Options>;

export const dataOption = {
  dataset: { choices: DATASET_NAMES, describe: 'the dataset (default mnist): mnist or fashion-mnist (Zalando\'s clothing images, the same format)' },
  'data-dir': {
    type: 'string',
    describe: 'the dataset\'s folder (else $MNIST_DIR or $FASHION_MNIST_DIR, else ./data/<dataset>, else download there); or a folder of pictures with one sub-folder per class',
  },
} satisfies Record<string, Options>;

export const runtimeOptions = {
  ep: { choices: EXECUTION_PROVIDERS, default: 'cpu' as const, describe: 'ONNX Runtime execution provider' },
  'device-id': { type: 'number', default: 0, describe: 'GPU index for --ep cuda' },
  fallback: { choices: ['none', 'cpu'] as const, default: 'none' as const, describe: 'if --ep cannot start: none = stop with a message, cpu = run on the CPU' },
  threads: { type: 'number', default: 2, describe: 'intra-op threads (0 = one per core)' },
  spinning: { type: 'boolean', default: false, describe: 'let idle ORT threads busy-wait (faster only on an idle machine)' },
} satisfies Record<string, Options>;

export function checkPositive(args: Record<string, unknown>, names: string[], integer = true): true {
  for (const name of names) {
    const v = args[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(v)}`);
    }
  }
  return true;
}

export function checkFraction(args: Record<string, unknown>, name: string): true {
  const v = args[name];
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new UsageError(`--${name} must be between 0 and 1, got ${String(v)}`);
  return true;
}

/** A share strictly between 0 and 1. */
export function checkOpenFraction(args: Record<string, unknown>, name: string): true {
  const v = args[name];
  if (typeof v !== 'number' || !(v > 0 && v < 1)) throw new UsageError(`--${name} must be between 0 and 1 (exclusive), got ${String(v)}`);
  return true;
}

/** Options that only make sense together. */
export function checkRuntimeCombination(args: Record<string, unknown>): true {
  const ep = (args.ep ?? 'cpu') as ExecutionProvider;
  if (args['device-id'] && !PROVIDERS[ep].deviceIds) {
    const withIds = EXECUTION_PROVIDERS.filter((p) => PROVIDERS[p].deviceIds).map((p) => `--ep ${p}`).join(', ');
    throw new UsageError(`--device-id applies to ${withIds} only (got --ep ${ep})`);
  }
  return true;
}

/** The engines' limits (training/engines/engine-limits.ts) in the flags' words. */
export const FLAG_WORDS: EngineWords = {
  ortEngine: '--engine ort-training',
  ep: '--ep',
  stepsPerRun: '--steps-per-run',
  dataParallel: 'data parallel training (--replicas/--devices)',
  microBatch: '--micro-batch',
  schedule: '--lr-schedule',
  savePoints: '--resume/--checkpoint-every',
};

/** What the engine flags ask of an engine, for its limits. */
export const engineUseOf = (args: Record<string, unknown>): EngineUse => ({
  engine: args.engine === 'ort-training' ? 'ort-training' : 'native',
  dataParallel: args.replicas !== undefined || args.devices !== undefined,
  microBatch: args['micro-batch'] !== undefined,
  stepsPerRun: args['steps-per-run'] as number | undefined,
  ep: args.ep as ExecutionProvider,
});

export function checkEngineCombination(args: Record<string, unknown>): true {
  const problem = engineProblem(engineUseOf(args), FLAG_WORDS);
  if (problem) throw new UsageError(problem);
  return true;
}

/** --steps-per-run, or the engines' default for the other flags. */
export function stepsPerRunOf(args: Record<string, unknown>, batchSize: number): number {
  const k = args['steps-per-run'];
  if (typeof k === 'number') return k;
  return defaultStepsPerRun(engineUseOf(args), batchSize);
}

/** --micro-batch, or the engines' default for the other flags, the model and the batch (undefined: whole batches). */
export function microBatchOf(args: Record<string, unknown>, model: ModelDefinition, batchSize: number): number | undefined {
  const m = args['micro-batch'];
  if (typeof m === 'number') return m;
  return defaultMicroBatch({ ...engineUseOf(args), stepsPerRun: stepsPerRunOf(args, batchSize) }, model, batchSize);
}

export function checkThreads(args: Record<string, unknown>): true {
  const t = args.threads;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) throw new UsageError(`--threads must be 0 or a positive integer, got ${String(t)}`);
  return true;
}

/** The session settings every command derives from the runtime options. */
export function sessionFromArgs(a: { ep: ExecutionProvider; 'device-id': number; threads: number; spinning: boolean; fallback: 'none' | 'cpu' }) {
  let warned = false;
  const warnOnce = (reason: string) => {
    if (!warned) console.error(`warning: ${reason}\nrunning on the CPU instead (--fallback cpu)`);
    warned = true;
  };
  return {
    ep: a.ep,
    deviceId: a['device-id'],
    threads: a.threads,
    spinning: a.spinning,
    ...(a.fallback === 'cpu'
      ? { fallback: 'cpu' as const, onFallback: warnOnce }
      : {}),
  };
}
