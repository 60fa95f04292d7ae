// Tensors as the rest of the project sees them: plain typed arrays, no onnxruntime types.
export type HostDType = 'float32' | 'int64' | 'bool';

export interface HostTensor {
  dtype: HostDType;
  dims: number[];
  data: Float32Array | BigInt64Array | Uint8Array;
}

export const f32 = (dims: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', dims, data });
export const i64 = (dims: number[], data: BigInt64Array): HostTensor => ({ dtype: 'int64', dims, data });
