// The ResNet-style network of `npm run bench:import` (the shape of torchvision's resnet18 scaled
// to 28x28 digits), written with the project's DSL instead of imported
// (bench/peers/pytorch_resnet_step.py is the same network in PyTorch): a 3x3 stem at 16 channels,
// four stages of two residual blocks at 16/32/64/128 channels (each block two 3x3 convolutions with
// batch norm on batch statistics, a 1x1 projection of the shortcut where the shape changes),
// a global average pool and a linear layer.
import { defineModel } from '../../src/graph/define-model';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { ForwardContext, ModelDefinition, ParamSpec, StateSpec } from '../../src/graph/model-definition';
import { Value } from '../../src/graph/types';
import { convBn, declareConvBn } from './conv-bn';

const BLOCKS: [number, number, number][] = [];
for (const [cin, cout] of [[16, 16], [16, 32], [32, 64], [64, 128]]) BLOCKS.push([cin, cout, cin === cout ? 1 : 2], [cout, cout, 1]);

const params: ParamSpec[] = [];
const state: StateSpec[] = [];
declareConvBn(params, state, 'stem', [16, 1, 3, 3]);
BLOCKS.forEach(([cin, cout, stride], i) => {
  declareConvBn(params, state, `block${i}.conv1`, [cout, cin, 3, 3]);
  declareConvBn(params, state, `block${i}.conv2`, [cout, cout, 3, 3]);
  if (stride !== 1 || cin !== cout) declareConvBn(params, state, `block${i}.shortcut`, [cout, cin, 1, 1]);
});
params.push({ name: 'fc.weight', dims: [10, 128], init: 'xavier' }, { name: 'fc.bias', dims: [10], init: 'zeros' });

export const resnetStyle: ModelDefinition = defineModel({
  name: 'resnet-style',
  sampleDims: [1, 28, 28],
  classes: 10,
  params,
  state,
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>, ctx: ForwardContext): Value {
    let h = b.relu(convBn(b, ctx, p, x, 'stem'));
    BLOCKS.forEach(([cin, cout, stride], i) => {
      const y = convBn(b, ctx, p, b.relu(convBn(b, ctx, p, h, `block${i}.conv1`, { stride })), `block${i}.conv2`);
      const shortcut = stride === 1 && cin === cout ? h : convBn(b, ctx, p, h, `block${i}.shortcut`, { stride });
      h = b.relu(b.add(y, shortcut), `block${i}`);
    });
    const pooled = b.flatten(b.averagePool(h, [4, 4], [4, 4], undefined, 'pool'), 1); // [N, 128]: 28 -> 14 -> 7 -> 4
    return b.gemm(pooled, p['fc.weight'], p['fc.bias'], { transB: true }, 'fc');
  },
});
