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


/** Conv, Clip, Slice, ReduceMean, Squeeze, Unsqueeze, Flatten, Gemm at opset 9, with the attributes later opsets take as inputs. */
export function opset9ConvModel(): Uint8Array {
  const nodes = [
    node('Conv', ['image', 'k', 'kb'], ['c'], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) }),
    node('Clip', ['c'], ['r6'], { min: { kind: 'float', value: 0 }, max: { kind: 'float', value: 0.5 } }),
    node('Slice', ['r6'], ['part'], { starts: ints([0, 2]), ends: ints([4, 26]), axes: ints([1, 2]) }),
    node('ReduceMean', ['part'], ['pooled'], { axes: ints([2, 3]), keepdims: int(1) }),
    node('Squeeze', ['pooled'], ['sq'], { axes: ints([2, 3]) }),
    node('Unsqueeze', ['sq'], ['u'], { axes: ints([2]) }),
    node('Flatten', ['u'], ['f']),
    node('Gemm', ['f', 'w', 'b'], ['scores'], { transB: int(1) }),
  ];
  return model(nodes, [weights('k', [4, 1, 3, 3], 1), weights('kb', [4], 2), weights('w', [10, 4], 3), weights('b', [10], 4)], { opset: 9 });
}

const bn = (name: string, channels: number, seed: number): Tensor[] => [
  { name: `${name}.scale`, dtype: 'float32', dims: [channels], data: randomFloats(channels, seed, 0.5, 1.5) },
  { name: `${name}.bias`, dtype: 'float32', dims: [channels], data: randomFloats(channels, seed + 1, -0.2, 0.2) },
  { name: `${name}.mean`, dtype: 'float32', dims: [channels], data: randomFloats(channels, seed + 2, -0.2, 0.2) },
  { name: `${name}.var`, dtype: 'float32', dims: [channels], data: randomFloats(channels, seed + 3, 0.5, 1.5) },
];
const bnNode = (x: string, name: string, y: string) => node('BatchNormalization', [x, `${name}.scale`, `${name}.bias`, `${name}.mean`, `${name}.var`], [y], { epsilon: { kind: 'float', value: 1e-5 } });

/** A residual block in ResNet's shape: Conv-BN-ReLU, Conv-BN, + skip, ReLU, global average pool, Gemm. */
export function residualModel(): Uint8Array {
  const conv = (x: string, w: string, y: string) => node('Conv', [x, w], [y], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) });
  const nodes = [
    conv('image', 'stem.w', 's'), bnNode('s', 'bn0', 'sn'), node('Relu', ['sn'], ['a']),
    conv('a', 'c1.w', 'h'), bnNode('h', 'bn1', 'hn'), node('Relu', ['hn'], ['hr']),
    conv('hr', 'c2.w', 'g'), bnNode('g', 'bn2', 'gn'), node('Add', ['gn', 'a'], ['sum']), node('Relu', ['sum'], ['r']),
    node('GlobalAveragePool', ['r'], ['p']), node('Flatten', ['p'], ['f']), node('Gemm', ['f', 'fc.w', 'fc.b'], ['scores'], { transB: int(1) }),
  ];
  const initializers = [
    weights('stem.w', [4, 1, 3, 3], 1), ...bn('bn0', 4, 10), weights('c1.w', [4, 4, 3, 3], 2), ...bn('bn1', 4, 20),
    weights('c2.w', [4, 4, 3, 3], 3), ...bn('bn2', 4, 30), weights('fc.w', [10, 4], 4), weights('fc.b', [10], 5),
  ];
  return model(nodes, initializers);
}
