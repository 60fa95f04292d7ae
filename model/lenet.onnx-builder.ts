// LeNet as in the MXNet Gluon MNIST tutorial: two conv/tanh/max-pool stages, then two dense layers.
// 431,080 parameters. Dense weights are [units, in_units], applied as x W^T + b (Gemm transB).
import { defineModel } from '../src/graph/define-model';
import { GraphBuilder } from '../src/graph/graph-builder';
import { ModelDefinition } from '../src/graph/model-definition';
import { Value } from '../src/graph/types';

export const lenet: ModelDefinition = defineModel({
  name: 'lenet',
  sampleDims: [1, 28, 28],
  classes: 10,
  params: [
    { name: 'conv1.weight', dims: [20, 1, 5, 5], init: 'xavier' },
    { name: 'conv1.bias', dims: [20], init: 'zeros' },
    { name: 'conv2.weight', dims: [50, 20, 5, 5], init: 'xavier' },
    { name: 'conv2.bias', dims: [50], init: 'zeros' },
    { name: 'dense1.weight', dims: [500, 800], init: 'xavier' },
    { name: 'dense1.bias', dims: [500], init: 'zeros' },
    { name: 'dense2.weight', dims: [10, 500], init: 'xavier' },
    { name: 'dense2.bias', dims: [10], init: 'zeros' },
  ],
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>): Value {
    const c1 = b.tanh(b.conv(x, p['conv1.weight'], p['conv1.bias'], {}, 'conv1'), 'tanh1'); // [N,20,24,24]
    const p1 = b.maxPool(c1, [2, 2], [2, 2], 'pool1'); // [N,20,12,12]
    const c2 = b.tanh(b.conv(p1, p['conv2.weight'], p['conv2.bias'], {}, 'conv2'), 'tanh2'); // [N,50,8,8]
    const p2 = b.maxPool(c2, [2, 2], [2, 2], 'pool2'); // [N,50,4,4]
    const flat = b.flatten(p2, 1, 'flatten'); // [N,800]
    const d1 = b.tanh(b.gemm(flat, p['dense1.weight'], p['dense1.bias'], { transB: true }, 'dense1'), 'tanh3');
    return b.gemm(d1, p['dense2.weight'], p['dense2.bias'], { transB: true }, 'dense2'); // [N,10]
  },
});
