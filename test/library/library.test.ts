// The library as a user calls it: define a model, train it with events, evaluate it in memory and
// as an exported file, with clear errors for definitions and data that do not fit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, datasets, defineModel, evaluate, exportModel, GraphBuilder, ModelDefinition, ModelDefinitionError, startingState, train, trainingMemory, Value } from '../../src/index';
import { initParams } from '../../src/training/graphs/init';
import { firstSamples } from '../../src/data/dataset';
import { MNIST_DIR } from '../helpers/mnist-dir';

const tiny = {
  name: 'tiny',
  sampleDims: [1, 28, 28],
  classes: 10,
  params: [
    { name: 'conv.weight', dims: [4, 1, 5, 5], init: 'xavier' as const },
    { name: 'conv.bias', dims: [4], init: 'zeros' as const },
    { name: 'dense.weight', dims: [10, 4 * 12 * 12], init: 'xavier' as const },
    { name: 'dense.bias', dims: [10], init: 'zeros' as const },
  ],
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>) {
    const h = b.maxPool(b.relu(b.conv(x, p['conv.weight'], p['conv.bias'])), [2, 2], [2, 2]);
    return b.gemm(b.flatten(h, 1), p['dense.weight'], p['dense.bias'], { transB: true });
  },
} satisfies ModelDefinition;

describe('defineModel', () => {
  test('accepts a consistent definition as it is', () => {
    expect(defineModel(tiny)).toBe(tiny);
  });

  test.each([
    ['a parameter forward() uses but params does not declare', { params: tiny.params.filter((p) => p.name !== 'conv.bias') }, "model 'tiny': forward() uses parameter 'conv.bias', which it does not declare (declared: conv.weight, dense.weight, dense.bias)"],
    ['a parameter declared and never used', { params: [...tiny.params, { name: 'extra', dims: [3], init: 'zeros' as const }] }, "model 'tiny': parameters declared but never used by forward(): extra"],
    ['a name declared twice', { params: [...tiny.params, tiny.params[0]] }, "model 'tiny': the name 'conv.weight' is declared twice"],
    ['logits of the wrong class count', { classes: 12 }, "model 'tiny': forward() must return logits [N, 12], got [N,10] (train mode)"],
    ['a bias initialized with Xavier', { params: tiny.params.map((p) => (p.name === 'conv.bias' ? { ...p, init: 'xavier' as const } : p)) }, "model 'tiny': parameter 'conv.bias' [4] cannot be Xavier-initialized (rank < 2): use 'zeros' or 'ones'"],
  ])('refuses %s, naming it', (_, change, message) => {
    expect(() => defineModel({ ...tiny, ...change })).toThrow(new ModelDefinitionError(message));
  });
});

describe('train, evaluate, exportModel', () => {
  let dir: string;
  let data: Dataset;
  let testSet: Dataset;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lenet-lib-'));
    data = firstSamples(await datasets.mnist({ dir: MNIST_DIR }), 2000);
    testSet = firstSamples(await datasets.mnist({ dir: MNIST_DIR, split: 'test' }), 1000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a custom CNN trains with events, and the exported file scores what the trained model scores', async () => {
    const model = defineModel(tiny);
    const epochs: number[] = [];
    let batches = 0;
    const trained = await train(model, data, {
      epochs: 2, batchSize: 50, optimizer: 'adamw', learningRate: 3e-3, schedule: 'onecycle', threads: 1,
      validation: { data: testSet },
      on: { onBatch: () => batches++, onEpoch: (r) => void epochs.push(r.epoch) },
    });
    expect(trained.status).toBe('completed');
    expect(epochs).toEqual([1, 2]);
    expect(batches).toBe(80);
    expect(trained.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(trained.valAccuracy).toBeGreaterThan(0.7); // measured 0.796; chance is 0.1
    const inMemory = await evaluate(trained, testSet);
    expect(inMemory.accuracy).toBe(trained.valAccuracy);
    const file = join(dir, 'tiny.onnx');
    exportModel(trained, file);
    const fromFile = await evaluate({ file, model }, testSet);
    expect(fromFile.accuracy).toBe(inMemory.accuracy);
    expect(fromFile.confusion).toEqual(inMemory.confusion);
  });

  test('fine-tuning starts from given parameters; an aborted run stops after the current step', async () => {
    const first = await train(tiny, data, { epochs: 1, batchSize: 100, seed: 1 });
    const controller = new AbortController();
    let steps = 0;
    const tuned = await train(tiny, data, {
      epochs: 1, batchSize: 100, initialParams: first.params, signal: controller.signal,
      on: { onBatch: () => ++steps === 3 && controller.abort() },
    });
    expect(tuned.status).toBe('interrupted');
    expect(steps).toBe(3);
    expect(tuned.params.get('dense.bias')).not.toEqual(first.params.get('dense.bias'));
  });

  test('data the model cannot take, and settings out of range, are refused in one sentence', async () => {
    const small = datasets.fromArrays({ name: 'icons', pixels: new Uint8Array(4 * 16 * 16), rows: 16, cols: 16, labels: new Uint8Array(4) });
    await expect(train(tiny, small)).rejects.toThrow("icons holds 16x16 grayscale images; model 'tiny' takes [1,28,28]");
    await expect(train(tiny, data, { optimizer: { name: 'sgd', momentum: 1.5 } })).rejects.toThrow('momentum must be in [0, 1), got 1.5');
    await expect(train(tiny, data, { batchSize: 5000 })).rejects.toThrow('batchSize must be a whole number from 1 to the 2000 samples, got 5000');
    expect(() => datasets.fromArrays({ name: 'odd', pixels: new Uint8Array(10), rows: 3, cols: 3, labels: new Uint8Array(1) })).toThrow('odd: 10 pixels is not a whole number of 3x3 images');
  });
});

describe('before training: the starting state and the memory a batch needs', () => {
  test('startingState: seeded parameters (or the given ones) and the optimizer\'s zeroed slots, at epoch 0; train() from it runs the recipe in it', async () => {
    const recipe = { model: 'tiny', epochs: 1, batchSize: 50, learningRate: 1e-3, seed: 3, optimizer: { name: 'adamw' as const, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentum: 0, dampening: 0, nesterov: false } };
    const start = startingState(tiny, recipe);
    expect([start.epoch, start.step]).toEqual([0, 0]);
    expect(start.params.get('conv.weight')).toEqual(initParams(tiny, 3).get('conv.weight'));
    expect([...start.params.keys()].filter((k) => k.startsWith('dense.bias'))).toEqual(['dense.bias', 'dense.bias.exp_avg', 'dense.bias.exp_avg_sq']);
    expect(start.params.get('dense.bias.exp_avg')).toEqual(new Float32Array(10));
    const given = new Map([...initParams(tiny, 5)]);
    expect(startingState(tiny, recipe, given).params.get('conv.weight')).toBe(given.get('conv.weight'));
    const data = firstSamples(await datasets.mnist({ dir: MNIST_DIR }), 100);
    const trained = await train(tiny, data, { start });
    expect(trained.recipe).toEqual(recipe);
    expect([trained.state.epoch, trained.history.length]).toEqual([1, 1]);
  });

  test('trainingMemory grows with the batch at the step graph\'s bytes per sample', () => {
    const perSample = trainingMemory(tiny, 2000) - trainingMemory(tiny, 1000);
    expect(perSample / 1000).toBeGreaterThan(4 * 24 * 24 * 4); // at least the conv output, stored once
    expect(trainingMemory(tiny, 3000) - trainingMemory(tiny, 2000)).toBeCloseTo(perSample, -3);
    expect(trainingMemory(tiny, 1)).toBeGreaterThan(0);
  });
});
