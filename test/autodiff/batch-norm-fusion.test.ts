// Where the fused batch-norm backward applies: the training-mode batch norm as the DSL writes it and
// as the batch-last graphs re-emit it (so that the cnn's three batch norms get the one rule in both
// layouts), and not on look-alikes whose formula differs. Its values are checked elsewhere (central
// differences in layer-rules.test.ts, PyTorch float64 in training/batch-last.test.ts).
import { mobilenetStyle } from '../../bench/networks/mobilenet-style';
import { cnn } from '../../model/cnn.onnx-builder';
import { matchBatchStatisticsNorm } from '../../src/autodiff/fusions/BatchStatisticsNorm';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { batchStatisticsNorm } from '../../src/graph/layers';
import { BATCH_DIM, forwardContext, ModelDefinition, stateOf } from '../../src/graph/model-definition';
import { Value } from '../../src/graph/types';
import { batchLastForward } from '../../src/training/graphs/batch-last-forward';

/** How many Add nodes of b end a batch norm the rule takes (no node outside reaches the loss). */
const matches = (b: GraphBuilder) => b.nodes.filter((n) => n.opType === 'Add' && matchBatchStatisticsNorm(b, n, () => false)).length;

function trainingForward(def: ModelDefinition, layout: 'batch-first' | 'batch-last') {
  const b = new GraphBuilder(def.name);
  const x = b.input('x', 'float32', [BATCH_DIM, ...def.sampleDims]);
  const params = Object.fromEntries(def.params.map((p) => [p.name, b.input(p.name, 'float32', p.dims)]));
  const state = Object.fromEntries(stateOf(def).map((s) => [s.name, b.input(s.name, 'float32', s.dims)]));
  const ctx = forwardContext('train', state, new Map(), (name, dims) => b.input(`${name}.random`, 'float32', [BATCH_DIM, ...dims]));
  if (layout === 'batch-last') batchLastForward(b, def, x, params, ctx);
  else def.forward(b, x, params, ctx);
  return b;
}

test.each(['batch-first', 'batch-last'] as const)('the cnn\'s three batch norms are each taken as a whole (%s)', (layout) => {
  expect(matches(trainingForward(cnn, layout))).toBe(3);
});

// After a depthwise convolution the batch-last graphs' batch norm reads the grouped product through
// a Reshape of a Reshape: its mean starts at the convolution's output like the variance's chain.
test.each(['batch-first', 'batch-last'] as const)('the MobileNetV2-style stack\'s 19 batch norms, after depthwise convolutions too, are each taken as a whole (%s)', (layout) => {
  expect(matches(trainingForward(mobilenetStyle, layout))).toBe(19);
});

/** A batch norm on [N, 4, 3, 3] written out by hand, with one part changed by `change`. */
function handWritten(change: { varianceAxes?: number[]; square?: 'Mul' | 'Pow'; epsilonShape?: number[] } = {}) {
  const b = new GraphBuilder('bn');
  const x = b.input('x', 'float32', [BATCH_DIM, 4, 3, 3]);
  const scale = b.reshape(b.input('s', 'float32', [4]), [1, -1, 1, 1]);
  const bias = b.reshape(b.input('b', 'float32', [4]), [1, -1, 1, 1]);
  const mean = b.reduceMean(x, [0, 2, 3], true);
  const centred = b.sub(x, mean);
  const squared: Value = change.square === 'Pow' ? b.op('Pow', [centred, b.f32(2)])[0] : b.mul(centred, centred);
  const variance = b.reduceMean(squared, change.varianceAxes ?? [0, 2, 3], true);
  const eps = change.epsilonShape ? b.constant('float32', change.epsilonShape, new Float32Array(change.epsilonShape.reduce((a, d) => a * d, 1)).fill(1e-5)) : b.f32(1e-5);
  b.add(b.mul(b.div(centred, b.sqrt(b.add(variance, eps))), scale), bias);
  return b;
}

test('a hand-written batch norm is taken; look-alikes with another formula are not', () => {
  expect(matches(handWritten())).toBe(1);
  expect(matches(handWritten({ varianceAxes: [0, 2] }))).toBe(0); // variance over other axes than the mean
  expect(matches(handWritten({ square: 'Pow' }))).toBe(0); // not the pattern (left to the op-by-op rules)
  expect(matches(handWritten({ epsilonShape: [1, 4, 1, 1] }))).toBe(0); // a per-channel epsilon
});

test('a batch norm whose inner values something else on the way to the loss also reads is left to the op-by-op rules', () => {
  const b = new GraphBuilder('bn');
  const x = b.input('x', 'float32', [BATCH_DIM, 4]);
  const [s, bias, rm, rv] = ['s', 'b', 'rm', 'rv'].map((n) => b.input(n, 'float32', [4]));
  const { y } = batchStatisticsNorm(b, x, s, bias, rm, rv, { momentum: 0.1, epsilon: 1e-5 }, 'bn');
  const add = b.nodes.find((n) => n.outputs.includes(y))!;
  expect(matchBatchStatisticsNorm(b, add, () => false)).toBeDefined();
  const sub = b.nodes.find((n) => n.opType === 'Sub')!;
  const other = b.op('Relu', [sub.outputs[0]])[0]; // the centred values, read outside the pattern
  const reader = b.nodes.find((n) => n.outputs.includes(other))!;
  expect(matchBatchStatisticsNorm(b, add, (n) => n === reader)).toBeUndefined();
});
