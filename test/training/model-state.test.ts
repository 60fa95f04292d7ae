// Model state (BatchNorm's running statistics) is carried like the parameters: the step graph
// and the K-step Loop update it identically, it ends up in the exported model, and the paths that
// cannot carry it refuse a model that has it.
import { Dataset, makeDataset } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { batchNorm, batchNormSpecs, dropout } from '../../src/graph/layers';
import { ForwardContext, ModelDefinition, ParamValues } from '../../src/graph/model-definition';
import { Value } from '../../src/graph/types';
import { buildInferenceModel } from '../../src/inference/inference-graph';
import { encodeModel } from '../../src/onnx/encode';
import { buildOrtTrainingModel } from '../../src/ort-training/artifact-graphs';
import { initParams } from '../../src/training/graphs/init';
import { loopEngine } from '../../src/training/engines/loop-engine';
import { buildTrainingLoop } from '../../src/training/graphs/loop-graph';
import { nativeEngine } from '../../src/training/engines/native-engine';
import { carriedTensors, initialOptimizerState, PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { Recipe } from '../../src/training/recipe';
import { CONSTANT_LR } from '../../src/training/run/schedules';
import { StepEngine } from '../../src/training/engines/step-engine';
import { buildGradientGraph, buildTrainingStep } from '../../src/training/graphs/step-graph';
import { initialState, runEpochs as train } from '../../src/training/run/trainer';
import { MNIST_DIR } from '../helpers/mnist-dir';

const bn = batchNormSpecs('bn', 4);
/** Conv (padding 1) -> BatchNorm -> ReLU -> 2x2 average pool -> global average pool -> dropout -> dense. */
const tinyBn: ModelDefinition = {
  name: 'tiny_bn',
  sampleDims: [1, 28, 28],
  classes: 10,
  params: [{ name: 'conv.weight', dims: [4, 1, 3, 3], init: 'xavier' }, ...bn.params, { name: 'dense.weight', dims: [10, 4], init: 'xavier' }, { name: 'dense.bias', dims: [10], init: 'zeros' }],
  state: bn.state,
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>, ctx: ForwardContext) {
    const h = b.relu(batchNorm(b, ctx, b.conv(x, p['conv.weight'], null, { pads: [1, 1, 1, 1] }), p, 'bn'));
    const pooled = b.globalAveragePool(b.averagePool(h, [2, 2]));
    return b.gemm(dropout(b, ctx, b.flatten(pooled, 1), 0.3, 'drop'), p['dense.weight'], p['dense.bias'], { transB: true });
  },
};

let data: Dataset;
beforeAll(() => {
  const full = loadSplit(MNIST_DIR, 'train');
  data = makeDataset('small', { ...full.images, count: 200, pixels: full.images.pixels.subarray(0, 200 * 784) }, full.labels.subarray(0, 200));
});

const recipe: Recipe = { model: 'lenet', epochs: 1, batchSize: 25, learningRate: 0.1, seed: 3, optimizer: PLAIN_SGD, schedule: CONSTANT_LR };
const start = () => new Map([...initParams(tinyBn, 5), ...initialOptimizerState(tinyBn, PLAIN_SGD)]);

async function run(engine: StepEngine, from = initialState(recipe, start()), epochs = recipe.epochs) {
  try {
    return (await train(engine, { ...from, recipe: { ...from.recipe, epochs } }, data)).state;
  } finally {
    await engine.release();
  }
}

const session = { threads: 1 };
const stepEngine = (params: ParamValues) => nativeEngine(tinyBn, encodeModel(buildTrainingStep(tinyBn)), params, PLAIN_SGD, session, { seed: recipe.seed });

test('the running statistics and dropout masks are carried and drawn alike: 4 steps per run (Loop graph) = 1 step per run, bit for bit', async () => {
  const single = (await run(await stepEngine(start()))).params;
  const looped = (await run(await loopEngine(tinyBn, encodeModel(buildTrainingLoop(tinyBn)), start(), PLAIN_SGD, session, 4, { seed: recipe.seed }))).params;
  const carried = carriedTensors(tinyBn, PLAIN_SGD);
  expect(carried.filter((t) => t.kind === 'model-state').map((t) => t.name)).toEqual(['bn.running_mean', 'bn.running_var']);
  for (const t of carried) expect(looped.get(t.name)).toEqual(single.get(t.name));
  // 8 steps of momentum 0.1 from (0, 1): the mean moved toward the batch means, the variance away from 1.
  expect(Array.from(single.get('bn.running_mean')!).every((m) => m !== 0)).toBe(true);
  expect(Array.from(single.get('bn.running_var')!).some((v) => Math.abs(v - 1) > 1e-3)).toBe(true);
});

test('a run resumed from its state after epoch 1 ends where the straight run does (same dropout masks, same statistics)', async () => {
  const straight = await run(await stepEngine(start()), undefined, 2);
  const half = await run(await stepEngine(start()), undefined, 1);
  const resumed = await run(await stepEngine(half.params), half, 2);
  for (const [name, values] of straight.params) expect(resumed.params.get(name)).toEqual(values);
  // and the masks matter: another seed draws others, and ends elsewhere
  const reseeded = await run(await nativeEngine(tinyBn, encodeModel(buildTrainingStep(tinyBn)), start(), PLAIN_SGD, session, { seed: 99 }), undefined, 2);
  expect(reseeded.params.get('dense.weight')).not.toEqual(straight.params.get('dense.weight'));
});

test('the exported model normalizes with the trained running statistics (one BatchNormalization node)', () => {
  const params = initParams(tinyBn, 5);
  params.set('bn.running_mean', Float32Array.of(0.1, 0.2, 0.3, 0.4));
  const model = buildInferenceModel(tinyBn, params);
  expect(model.graph.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(1);
  expect(Array.from(model.graph.initializers.find((t) => t.name === 'bn.running_mean')!.data as Float32Array)).toEqual(Array.from(Float32Array.of(0.1, 0.2, 0.3, 0.4)));
  expect(model.graph.nodes.map((n) => n.opType)).not.toContain('ReduceMean');
});

test('data-parallel training and the ORT training-API engine refuse a model with state, naming it', () => {
  expect(() => buildGradientGraph(tinyBn)).toThrow(
    'data-parallel training does not carry model state, and tiny_bn has some (bn.running_mean, bn.running_var): use the native engine on one device',
  );
  expect(() => buildOrtTrainingModel(tinyBn)).toThrow(/ONNX Runtime's training API engine does not carry model state/);
  const dropoutOnly: ModelDefinition = { ...tinyBn, name: 'dropout_only', state: undefined, forward: (b, x, p, ctx) => b.gemm(dropout(b, ctx, b.flatten(x, 1), 0.5, 'drop'), p['dense.weight'], null, { transB: true }), params: [{ name: 'dense.weight', dims: [10, 784], init: 'xavier' }] };
  expect(() => buildGradientGraph(dropoutOnly)).toThrow('data-parallel training does not feed random values, and dropout_only draws some (drop): use the native engine on one device');
});
