// The flags of `train`, declared once: the command parses them, the training run reads them.
import type { InferredOptionTypes } from 'yargs';
import { CPU_MICRO_BATCH, CPU_STEPS_PER_RUN } from '../training/engines/open-engine';
import { dataOption, importOptions, lossOption, MODELS, newHeadOptions, runtimeOptions } from './options';
import { defaultLearningRate, RECIPE_DEFAULTS } from '../library/recipe-defaults';
import { RECIPE_PRESETS, RecipePreset } from './recipe-options';
import { optimizerOptions } from './optimizer-options';

// The recipe flags (and --model, --artifacts) have no yargs default: with --resume they come from
// the checkpoint, an explicit value that contradicts it is an error, and only an explicit flag can
// be told from a default.
export const trainOptions = {
  model: { choices: MODELS, describe: 'architecture (model/<name>.onnx-builder.ts; default lenet, or the checkpoint\'s)' },
  ...importOptions,
  ...newHeadOptions,
  artifacts: { type: 'string', describe: 'directory for built and trained models (default artifacts/, or the checkpoint\'s)' },
  ...dataOption,
  recipe: {
    choices: Object.keys(RECIPE_PRESETS) as RecipePreset[],
    describe: 'a named recipe to start from (tutorial: the tutorial\'s, the default, also called seed; fast: AdamW, one-cycle, batch 128, 2 epochs); flags override it',
  },
  epochs: { type: 'number', describe: `passes over the training images (default ${RECIPE_DEFAULTS.epochs})` },
  'batch-size': { type: 'number', describe: `samples per SGD step (default ${RECIPE_DEFAULTS.batchSize})` },
  lr: { type: 'number', describe: `(base) learning rate (default: SGD ${defaultLearningRate('lenet', 'sgd')}, mlp ${defaultLearningRate('mlp', 'sgd')}; Adam/AdamW ${defaultLearningRate('lenet', 'adamw')})` },
  ...optimizerOptions,
  ...lossOption,
  seed: { type: 'number', describe: `seed of the shuffle, and of the init when train builds the artifacts (default ${RECIPE_DEFAULTS.seed})` },
  limit: { type: 'number', describe: 'train on the first N training images only' },
  'val-fraction': { type: 'number', describe: 'image folders: hold out this share of each class (seeded) for --val-every' },
  checkpoint: { type: 'string', describe: 'checkpoint file (default <artifacts>/<model>.ckpt)' },
  'checkpoint-every': { type: 'string', describe: 'save a checkpoint every N epochs ("2") or steps ("500steps")' },
  resume: { type: 'string', describe: 'continue the run saved in this checkpoint' },
  'val-every': { type: 'string', describe: 'score the test set every N epochs ("1") or steps ("200steps") during training' },
  'stop-at-accuracy': { type: 'number', describe: 'end training once the validation accuracy reaches this (needs --val-every)' },
  engine: {
    choices: ['native', 'ort-training'] as const,
    default: 'native' as const,
    describe: 'native: the derived step graph on onnxruntime-node; ort-training: ONNX Runtime\'s training API (onnxruntime-web 1.18 WebAssembly, CPU)',
  },
  replicas: { type: 'number', describe: 'data parallel on the CPU: split each batch over N sessions (as over devices)' },
  'micro-batch': {
    type: 'number',
    describe: `gradient accumulation: compute each batch's gradient N samples at a time, summed before the one update (the same step in the memory of an N-sample one; not for models with batch norm or dropout); default on one CPU session ${CPU_MICRO_BATCH} for batches over ${CPU_MICRO_BATCH} where the model allows (less memory, as fast or faster), else whole batches`,
  },
  devices: { type: 'string', describe: 'data parallel on GPUs, e.g. "0,1": one CUDA session per device (implies --ep cuda)' },
  'steps-per-run': {
    type: 'number',
    describe: `optimizer steps per ONNX Runtime run (an ONNX Loop): the parameters and optimizer state cross between host and device once per K steps; default for the native engine on the CPU ${CPU_STEPS_PER_RUN} (fewer for batches over 200: at most 2,000 samples a run; same results, less copying), else 1`,
  },
  progress: { type: 'boolean', default: true, describe: 'show a progress bar (on a terminal)' },
  ...runtimeOptions,
} as const;

export type TrainArgs = InferredOptionTypes<typeof trainOptions>;
