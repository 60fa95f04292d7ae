// The slice of onnxruntime-web 1.18.0's training API this project uses. The package's own
// declarations resolve to whichever onnxruntime-common sits at the top of node_modules (1.30,
// for onnxruntime-node), not to the 1.18 one it bundles, so the surface is declared here.
declare module 'onnxruntime-web-training/training' {
  export class Tensor {
    constructor(type: 'float32' | 'int64' | 'bool', data: unknown, dims: readonly number[]);
    readonly type: string;
    readonly dims: readonly number[];
    readonly data: unknown;
  }
  export type FeedsType = Record<string, Tensor>;
  export type ReturnType = Record<string, Tensor>;
  export interface TrainingSession {
    readonly trainingInputNames: readonly string[];
    readonly evalInputNames: readonly string[];
    readonly evalOutputNames: readonly string[];
    runTrainStep(feeds: FeedsType): Promise<ReturnType>;
    runEvalStep(feeds: FeedsType): Promise<ReturnType>;
    runOptimizerStep(): Promise<void>;
    lazyResetGrad(): Promise<void>;
    getParametersSize(trainableOnly: boolean): Promise<number>;
    loadParametersBuffer(buffer: Uint8Array, trainableOnly: boolean): Promise<void>;
    release(): Promise<void>;
  }
  export const TrainingSession: {
    create(
      artifacts: { checkpointState: Uint8Array; trainModel: Uint8Array; optimizerModel?: Uint8Array; evalModel?: Uint8Array },
      options?: { logSeverityLevel?: number },
    ): Promise<TrainingSession>;
  };
  export const env: { wasm: { numThreads: number; proxy: boolean; wasmPaths: unknown } };
}
