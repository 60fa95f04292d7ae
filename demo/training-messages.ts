// The messages between the page and its training worker.

export type Backend = 'wasm' | 'webgpu';

interface TrainRequest {
  kind: 'train';
  backend: Backend | 'auto';
  /** WebAssembly threads wanted (default: as many as the page may use, at most 4). */
  threads?: number;
  /** Where the demo server's MNIST files are (the page's ./data/). */
  dataUrl: string;
}

export type ToWorker =
  | (TrainRequest & { mode: 'scratch'; steps: number })
  | (TrainRequest & {
      mode: 'finetune';
      /** The model to start from (the page's lenet.onnx). */
      baseModel: Uint8Array;
      /** The user's drawings, 28x28 bytes each (ink 255), and what each one is. */
      pixels: Uint8Array;
      labels: Uint8Array;
    });

export type FromWorker =
  | { kind: 'backend'; backend: Backend; threads: number }
  | { kind: 'step'; step: number; total: number; loss: number; accuracy: number; stepsPerSecond: number }
  | { kind: 'done'; model: Uint8Array; testAccuracy: number; testImages: number; seconds: number; steps: number }
  | { kind: 'error'; message: string };
