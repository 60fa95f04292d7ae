// What the training loop needs from whatever runs the steps: the project's own step graph on
// onnxruntime-node, or ONNX Runtime's training API (src/ort-training).
import { ParamValues } from './init';

export interface StepResult {
  loss: number;
  correct: number;
  /** Make the step's parameter update take effect (not called when the loss diverged). */
  commit(): Promise<void>;
}

export interface StepEngine {
  /** Forward, backward and the update for one batch; x [count, ...sample], y [count]. */
  step(x: Float32Array, y: BigInt64Array, count: number): Promise<StepResult>;
  /** The current parameters (committed steps only). */
  params(): Promise<ParamValues>;
  release(): Promise<void>;
}
