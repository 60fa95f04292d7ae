// What the training loop needs from whatever runs the steps: the project's own step graph on
// onnxruntime-node (one step, or K steps in an ONNX Loop, per run), or ONNX Runtime's training
// API (src/ort-training).
import { ParamValues } from '../../graph/model-definition';
import { HostTensor } from '../../runtime/host-tensor';

/** A batch's targets: labels (int64, one per sample), or values (float32, the model's outputs per sample; see Dataset.targets). */
export type BatchTargets = BigInt64Array | Float32Array;

/** The feed of the first samples' targets, shaped `dims` ([count], or the Loop's [steps, count]); values have `outputs` per sample. */
export function targetsFeed(y: BatchTargets, dims: number[], outputs: number): HostTensor {
  const samples = dims.reduce((a, d) => a * d, 1);
  if (y instanceof BigInt64Array) return { dtype: 'int64', dims, data: y.subarray(0, samples) };
  return { dtype: 'float32', dims: [...dims, outputs], data: y.subarray(0, samples * outputs) };
}

export interface StepsResult {
  /** Mean loss and correct count of each step, in order. */
  losses: number[];
  corrects: number[];
  /** Make the first `steps` updates take effect: all of them, or those before a step that diverged. */
  commit(steps: number): Promise<void>;
}

export interface StepEngine {
  /** The most steps one run() may take (1 unless the engine loops inside the graph). */
  readonly stepsPerRun: number;
  /**
   * `steps` consecutive optimizer steps, each on a batch of `count` samples: x [steps * count, ...sample]
   * and y (steps * count labels, or their target values) hold the batches end to end, lrs [steps] the learning rate of each step;
   * `firstStep` is the run's place in the whole training (0-based global step of its first step),
   * which the random values of a model that draws some (dropout) are seeded by.
   */
  run(x: Float32Array, y: BatchTargets, steps: number, count: number, lrs: Float32Array, firstStep: number): Promise<StepsResult>;
  /** The current parameters and optimizer state (committed steps only). */
  params(): Promise<ParamValues>;
  release(): Promise<void>;
}

/** The StepsResult of an engine that takes one step per run; `discard` frees an update that is not committed. */
export function singleStep(loss: number, correct: number, apply: () => Promise<void>, discard?: () => Promise<void>): StepsResult {
  return { losses: [loss], corrects: [correct], commit: async (steps) => (steps > 0 ? apply() : discard?.()) };
}

/** Engines that run one step at a time accept no more. */
export function checkOneStep(steps: number): void {
  if (steps !== 1) throw new Error(`this engine runs one step per run, not ${steps}`);
}
