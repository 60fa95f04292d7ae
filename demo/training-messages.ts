// The messages between the page and its training worker.
import type { PixelNormalization } from '../src/data/pixel-normalization';
import type { ScratchOptimizer } from './training-plan';

export type Backend = 'wasm' | 'webgpu';

interface TrainRequest {
  kind: 'train';
  backend: Backend | 'auto';
  /** WebAssembly threads wanted (default: as many as the page may use, at most 4). */
  threads?: number;
  /** Optimizer steps per ONNX Runtime run (the K-step Loop graph); default: 10 on WebAssembly, 1 on WebGPU. */
  stepsPerRun?: number;
  /** The page's URL (the demo server's MNIST files are relative to it). */
  pageUrl: string;
}

export type TrainMessage =
  | (TrainRequest & { mode: 'scratch'; steps: number; optimizer: ScratchOptimizer })
  | (TrainRequest & {
      mode: 'finetune';
      /** The model to start from (the page's lenet.onnx). */
      baseModel: Uint8Array;
      /** The user's drawings, 28x28 bytes each (ink 255), and what each one is. */
      pixels: Uint8Array;
      labels: Uint8Array;
    })
  | (TrainRequest & {
      mode: 'pictures';
      /** The ONNX model that gets a new head (a file the user chose, or the page's lenet.onnx). */
      backbone: Uint8Array;
      /** Its name (the file's base name): the exported model's. */
      name: string;
      /** How the pictures' bytes become its input (absent: value / 255). */
      pixels?: PixelNormalization;
      /** The pictures, decoded to the backbone's input: channels x rows x cols bytes each (planes), with their class. */
      pictures: { pixels: Uint8Array; labels: Uint8Array; classNames: string[]; channels: number; rows: number; cols: number };
    });

export type ToWorker =
  | TrainMessage
  /** Which backend and how many threads a run would use (answered with a 'backend' message). */
  | { kind: 'probe'; backend: Backend | 'auto'; threads?: number };

export type FromWorker =
  | { kind: 'backend'; backend: Backend; threads: number }
  | { kind: 'step'; step: number; total: number; loss: number; accuracy: number; stepsPerSecond: number }
  | {
      kind: 'done';
      model: Uint8Array;
      /** Accuracy on what it was scored on: MNIST's test images, or the held-out pictures. */
      testAccuracy: number;
      testImages: number;
      scoredOn: 'MNIST test images' | 'held-out pictures';
      /** From the request to the last step; the rate leaves out the first step, which also loads the graph. */
      seconds: number;
      steps: number;
      stepsPerSecond: number;
      /** Set when training stopped at a step whose loss was NaN/Inf or exploded. */
      diverged?: string;
    }
  | { kind: 'error'; message: string };
