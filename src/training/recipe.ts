// The recipe of a training run: what is trained, on how much data, with which optimizer and
// learning-rate schedule. It travels whole: flags -> recipe -> graphs, engines, checkpoint.
import type { LossName, ModelDefinition } from '../graph/model-definition';
import type { PixelNormalization } from '../data/pixel-normalization';
import { OptimizerConfig, PLAIN_SGD } from './graphs/optimizers/optimizer';
import { CONSTANT_LR, ScheduleConfig } from './run/schedules';

export interface Recipe {
  model: string;
  /** An imported model: its ONNX file (absolute path) and what trains in it (importModel's options). */
  modelFile?: {
    path: string;
    trainable?: string[];
    frozen?: string[];
    batchNorm?: 'eval' | 'train';
    /** Transfer learning: its classifier replaced by a fresh one for these classes. */
    newHead?: { classes: string[]; after?: string; trainBackbone?: boolean; seed?: number };
    pixels?: PixelNormalization;
  };
  epochs: number;
  batchSize: number;
  /** The base learning rate (the schedule scales it step by step). */
  learningRate: number;
  seed: number;
  /** Samples used from the training set (the first `limit`); the whole set when absent. */
  limit?: number;
  /**
   * The dataset's name (src/data/dataset-catalog.ts), or 'image-folder' for pictures sorted into
   * class folders; MNIST when absent (and in checkpoints from before datasets were a choice).
   */
  dataset?: string;
  /** Image folders: the share of each class held out for validation (seeded by `seed`). */
  valFraction?: number;
  /** Plain SGD when absent (the seed's recipe, and checkpoints written before optimizers were a choice). */
  optimizer?: OptimizerConfig;
  /** A constant rate when absent. */
  schedule?: ScheduleConfig;
  /** Softmax cross-entropy when absent. */
  loss?: LossName;
}

export const optimizerOf = (r: Recipe): OptimizerConfig => r.optimizer ?? PLAIN_SGD;
export const scheduleOf = (r: Recipe): ScheduleConfig => r.schedule ?? CONSTANT_LR;
/**
 * The model as the recipe trains it on data with or without target values: with the recipe's loss
 * and the kind of targets (the graphs training builds depend on both).
 */
export function trainedAs(def: ModelDefinition, r: Recipe, targetValues = false): ModelDefinition {
  const loss = r.loss && r.loss !== 'cross-entropy' ? r.loss : undefined;
  if (!loss && !targetValues) return def;
  return { ...def, ...(loss ? { loss } : {}), ...(targetValues ? { targetValues } : {}) };
}
export const datasetOf = (r: Recipe): string => r.dataset ?? 'mnist';
