// What the page's training modes train: their data and their train() options. The worker
// runs these; the tests run the same plans in Node and compare. No DOM, no runtime here.
import { Dataset, firstSamples, makeDataset, sampleSize } from '../src/data/dataset';
import type { TrainOptions } from '../src/library/train';
import { splitValidation } from '../src/data/split-validation';

/** "Train from scratch": batches of 64, seeded; one pass over steps * 64 images. */
export const SCRATCH = { batchSize: 64, seed: 42 } as const;
/** The scratch mode's optimizers (constant rates): AdamW learns fastest; SGD with momentum is the classic. */
export const SCRATCH_OPTIMIZERS = {
  adamw: { optimizer: 'adamw', learningRate: 3e-3 },
  sgd: { optimizer: { name: 'sgd', momentum: 0.9 }, learningRate: 0.03 },
} as const satisfies Record<string, Pick<TrainOptions, 'optimizer' | 'learningRate'>>;
export type ScratchOptimizer = keyof typeof SCRATCH_OPTIMIZERS;
/** "Teach it your handwriting": plain SGD at the seed recipe's rate, small batches, a few passes. */
export const FINE_TUNE = { batchSize: 20, optimizer: 'sgd', learningRate: 0.03, seed: 7, epochs: 3 } as const;
/** Each drawing is repeated this many times, so a few of them weigh against the MNIST slice. */
export const DRAWING_COPIES = 10;
/** MNIST images mixed in when fine-tuning, so the model does not forget the digits it knew. */
export const MNIST_MIX = 2_000;

export interface TrainingPlan {
  data: Dataset;
  options: TrainOptions;
}

/** The most scratch steps the served images allow (one pass, no image seen twice). */
export const maxScratchSteps = (train: Dataset) => Math.floor(train.images.count / SCRATCH.batchSize);

/** `steps` optimizer steps from a seeded initialization, on the first steps * 64 training images. */
export function scratchPlan(train: Dataset, steps: number, optimizer: ScratchOptimizer = 'adamw'): TrainingPlan {
  if (!Number.isInteger(steps) || steps < 1 || steps > maxScratchSteps(train)) {
    throw new RangeError(`steps must be a whole number from 1 to ${maxScratchSteps(train)}, got ${steps}`);
  }
  return { data: firstSamples(train, steps * SCRATCH.batchSize), options: { ...SCRATCH, ...SCRATCH_OPTIMIZERS[optimizer], epochs: 1 } };
}

/** Drawings (28x28 bytes each, ink 255) with their labels, repeated, then the first MNIST_MIX MNIST images. */
export function fineTunePlan(drawings: Dataset, mnist: Dataset): TrainingPlan {
  const size = sampleSize(mnist);
  const mix = firstSamples(mnist, MNIST_MIX);
  const count = drawings.images.count * DRAWING_COPIES + mix.images.count;
  const pixels = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  let at = 0;
  for (let copy = 0; copy < DRAWING_COPIES; copy++) {
    pixels.set(drawings.images.pixels, at * size);
    labels.set(drawings.labels, at);
    at += drawings.images.count;
  }
  pixels.set(mix.images.pixels, at * size);
  labels.set(mix.labels, at);
  const data = makeDataset('your drawings + MNIST', { count, rows: mnist.images.rows, cols: mnist.images.cols, pixels }, labels);
  return { data, options: { ...FINE_TUNE } };
}

/** "Teach it your pictures": a new head on the backbone (frozen, features cached), AdamW, a fifth of each class held out. */
export const PICTURES = { batchSize: 16, optimizer: 'adamw', learningRate: 0.01, epochs: 30, seed: 42, cacheFeatures: true } as const;
export const PICTURES_HELD_OUT = 0.2;

/** The user's pictures split into training and held-out parts, and the options that train the head. */
export function picturesPlan(pictures: Dataset): TrainingPlan & { validation: Dataset } {
  const { train, validation } = splitValidation(pictures, PICTURES_HELD_OUT, PICTURES.seed);
  if (!validation.images.count) throw new RangeError('add at least two pictures to each class (one of them is held out to score the model)');
  const options: TrainOptions = { ...PICTURES, batchSize: Math.min(PICTURES.batchSize, train.images.count), validation: { data: validation, every: PICTURES.epochs } };
  return { data: train, validation, options };
}
