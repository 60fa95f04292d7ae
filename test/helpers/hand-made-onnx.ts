// Small ONNX models written node by node, in the forms other exporters use (old opsets, attributes
// where later opsets have inputs, initializers listed as graph inputs), for the import tests.
import { AttrValue, Model, Node, Tensor, Value } from '../../src/graph/types';
import { encodeModel } from '../../src/onnx/encode';
import { randomFloats } from './run-model';

export const v = (name: string, dtype: Value['dtype'] = 'float32', shape?: Value['shape']): Value => ({ name, dtype, shape });
export const ints = (value: number[]): AttrValue => ({ kind: 'ints', value });
export const int = (value: number): AttrValue => ({ kind: 'int', value });
export const str = (value: string): AttrValue => ({ kind: 'string', value });
let count = 0;
export const node = (opType: string, inputs: (string | null)[], outputs: string[], attrs: Record<string, AttrValue> = {}): Node => ({
  name: `n${count++}`, opType, domain: '', inputs: inputs.map((i) => (i === null ? null : v(i))), outputs: outputs.map((o) => v(o)), attrs,
});
export const weights = (name: string, dims: number[], seed: number): Tensor => ({ name, dtype: 'float32', dims, data: randomFloats(dims.reduce((p, d) => p * d, 1), seed, -0.3, 0.3) });
export const int64s = (name: string, values: number[]): Tensor => ({ name, dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });

export function model(nodes: Node[], initializers: Tensor[], opts: { opset?: number; inputDims?: (number | string)[]; output?: string; initializersAsInputs?: boolean } = {}): Uint8Array {
  const input = v('image', 'float32', opts.inputDims ?? ['batch', 1, 28, 28]);
  const m: Model = {
    graph: {
      name: 'hand-made',
      inputs: [input, ...(opts.initializersAsInputs ? initializers.map((t) => v(t.name, t.dtype, t.dims)) : [])],
      outputs: [v(opts.output ?? 'scores', 'float32', ['batch', 10])],
      nodes,
      initializers,
    },
    opsets: { '': opts.opset ?? 13 },
    irVersion: opts.opset !== undefined && opts.opset < 9 ? 3 : 7,
    producerName: 'hand',
    producerVersion: '1',
    metadata: { author: 'test' },
  };
  return encodeModel(m);
}

/** Flatten, Gemm 784 -> 16, Relu, Gemm 16 -> 10 (scores). */
export const mlpNodes = () => [
  node('Flatten', ['image'], ['flat']),
  node('Gemm', ['flat', 'w1', 'b1'], ['h'], { transB: int(1) }),
  node('Relu', ['h'], ['a']),
  node('Gemm', ['a', 'w2', 'b2'], ['scores'], { transB: int(1) }),
];
export const mlpWeights = () => [weights('w1', [16, 784], 1), weights('b1', [16], 2), weights('w2', [10, 16], 3), weights('b2', [10], 4)];

