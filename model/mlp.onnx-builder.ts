// The seed tutorial's previous chapter: a multilayer perceptron on the flattened 28x28 image.
// Dense(128, relu) -> Dense(64, relu) -> Dense(10); 109,386 parameters.
import { defineModel } from '../src/graph/define-model';
import { GraphBuilder } from '../src/graph/graph-builder';
import { ModelDefinition } from '../src/graph/model-definition';
import { Value } from '../src/graph/types';

export const mlp: ModelDefinition = defineModel({
  name: 'mlp',
  sampleDims: [1, 28, 28],
  classes: 10,
  params: [
    { name: 'dense1.weight', dims: [128, 784], init: 'xavier' },
    { name: 'dense1.bias', dims: [128], init: 'zeros' },
    { name: 'dense2.weight', dims: [64, 128], init: 'xavier' },
    { name: 'dense2.bias', dims: [64], init: 'zeros' },
    { name: 'dense3.weight', dims: [10, 64], init: 'xavier' },
    { name: 'dense3.bias', dims: [10], init: 'zeros' },
  ],
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>): Value {
    const flat = b.flatten(x, 1, 'flatten'); // [N,784]
    const h1 = b.relu(b.gemm(flat, p['dense1.weight'], p['dense1.bias'], { transB: true }, 'dense1'), 'relu1');
    const h2 = b.relu(b.gemm(h1, p['dense2.weight'], p['dense2.bias'], { transB: true }, 'dense2'), 'relu2');
    return b.gemm(h2, p['dense3.weight'], p['dense3.bias'], { transB: true }, 'dense3'); // [N,10]
  },
});
