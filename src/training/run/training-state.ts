// The state of a training run, as the trainer advances it and a checkpoint keeps it.
import type { ParamValues } from '../../graph/model-definition';
import type { Recipe } from '../recipe';

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

export interface TrainingState {
  recipe: Recipe;
  /** Epoch in progress, 0-based; equals recipe.epochs when training is complete. */
  epoch: number;
  /** Batches of that epoch already done. */
  step: number;
  /** Running sums of the epoch in progress (so its report is the same after a resume). */
  lossSum: number;
  correct: number;
  history: EpochReport[];
  /** The parameters and the optimizer state (momentum buffers, Adam's moments, step count), by name. */
  params: ParamValues;
  /** The artifacts folder of the run (absolute), so that a resume writes where the run did. */
  artifactsDir?: string;
}
