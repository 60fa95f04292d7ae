// Tensors as the rest of the project sees them: plain typed arrays, no onnxruntime types.
export type HostDType = 'float32' | 'int64' | 'bool';

export interface HostTensor {
  dtype: HostDType;
  dims: number[];
  data: Float32Array | BigInt64Array | Uint8Array;
}
