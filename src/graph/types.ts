// The project's own ONNX IR: plain TypeScript, no protobuf, no ONNX Runtime.

export type DType = 'float32' | 'int64' | 'bool';

/** A static size, or a symbolic one (e.g. the batch dimension 'N'). */
export type Dim = number | string;
export type Shape = Dim[];

export type TensorData = Float32Array | BigInt64Array | Uint8Array;

/** A named tensor with known contents: an initializer or a constant. */
export interface Tensor {
  name: string;
  dtype: DType;
  dims: number[];
  data: TensorData;
}

/** A value flowing along an edge of the graph. */
export interface Value {
  name: string;
  dtype: DType;
  /** Unknown where shape inference could not tell. */
  shape?: Shape;
  /** A sequence of tensors of `dtype` (ORT's optimizer graphs take seq(tensor(float))). */
  sequence?: boolean;
}

/** Attributes are tagged: JavaScript cannot tell the int 1 from the float 1.0. */
export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: Tensor }
  | { kind: 'graph'; value: Graph };

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  ints: (value: number[]): AttrValue => ({ kind: 'ints', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  floats: (value: number[]): AttrValue => ({ kind: 'floats', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
  tensor: (value: Tensor): AttrValue => ({ kind: 'tensor', value }),
  graph: (value: Graph): AttrValue => ({ kind: 'graph', value }),
};

export interface Node {
  name: string;
  opType: string;
  /** '' is the default ai.onnx domain. */
  domain: string;
  /** An empty optional input is null. */
  inputs: (Value | null)[];
  outputs: Value[];
  attrs: Record<string, AttrValue>;
}

export interface Graph {
  name: string;
  inputs: Value[];
  outputs: Value[];
  nodes: Node[];
  initializers: Tensor[];
  docString?: string;
}

export interface Model {
  graph: Graph;
  /** domain -> opset version; '' is ai.onnx. */
  opsets: Record<string, number>;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Record<string, string>;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, d) => a * d, 1);
}
