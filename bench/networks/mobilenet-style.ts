// The MobileNetV2-style network of `npm run bench:import -- --network mobilenet`, written with the
// project's DSL instead of imported (bench/peers/pytorch_mobilenet_step.py is the same network in
// PyTorch): a 3x3 stem at 16 channels, then inverted residual blocks (a 1x1 expansion by 6, a 3x3
// depthwise convolution, a 1x1 projection; batch norm on batch statistics after each, ReLU6 after
// the first two, the input added back where the shape allows): two at 16 channels on 28x28, a
// stride-2 one to 24 channels and one more at 14x14, a stride-2 one to 32 channels and one more at
// 7x7; a global average pool and a linear layer.
import { defineModel } from '../../src/graph/define-model';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { ForwardContext, ModelDefinition, ParamSpec, StateSpec } from '../../src/graph/model-definition';
import { Value } from '../../src/graph/types';
import { convBn, declareConvBn } from './conv-bn';

const BLOCKS = [[16, 16, 1], [16, 16, 1], [16, 24, 2], [24, 24, 1], [24, 32, 2], [32, 32, 1]] as const;
const EXPANSION = 6;

const params: ParamSpec[] = [];
const state: StateSpec[] = [];
declareConvBn(params, state, 'stem', [16, 1, 3, 3]);
BLOCKS.forEach(([cin, cout], i) => {
  const e = cin * EXPANSION;
  declareConvBn(params, state, `block${i}.expand`, [e, cin, 1, 1]);
  declareConvBn(params, state, `block${i}.depthwise`, [e, 1, 3, 3]);
  declareConvBn(params, state, `block${i}.project`, [cout, e, 1, 1]);
});
params.push({ name: 'fc.weight', dims: [10, 32], init: 'xavier' }, { name: 'fc.bias', dims: [10], init: 'zeros' });

export const mobilenetStyle: ModelDefinition = defineModel({
  name: 'mobilenet-style',
  sampleDims: [1, 28, 28],
  classes: 10,
  params,
  state,
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>, ctx: ForwardContext): Value {
    const [zero, six] = [b.f32(0, 'relu6_min'), b.f32(6, 'relu6_max')];
    const relu6 = (v: Value) => b.op('Clip', [v, zero, six])[0];
    let h = relu6(convBn(b, ctx, p, x, 'stem'));
    BLOCKS.forEach(([cin, cout, stride], i) => {
      const e = cin * EXPANSION;
      const expanded = relu6(convBn(b, ctx, p, h, `block${i}.expand`));
      const filtered = relu6(convBn(b, ctx, p, expanded, `block${i}.depthwise`, { stride, group: e }));
      const projected = convBn(b, ctx, p, filtered, `block${i}.project`);
      h = stride === 1 && cin === cout ? b.add(h, projected, `block${i}`) : projected;
    });
    const pooled = b.flatten(b.averagePool(h, [7, 7], [7, 7], undefined, 'pool'), 1); // [N, 32]
    return b.gemm(pooled, p['fc.weight'], p['fc.bias'], { transB: true }, 'fc');
  },
});
