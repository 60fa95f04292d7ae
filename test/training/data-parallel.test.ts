// Data-parallel training over CPU replicas, and gradients summed over micro-batches, equal
// single-session training on the whole batch.
import { lenet } from '../../model/lenet.onnx-builder';
import { makeDataset } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { encodeModel } from '../../src/onnx/encode';
import { balancedSizes, dataParallelEngine, splitSizes } from '../../src/training/engines/data-parallel-engine';
import { initParams } from '../../src/training/graphs/init';
import { runEpochsOnStepGraph as trainWithStepGraph } from '../../src/training/run/trainer';
import { buildGradientGraph, buildTrainingStep, buildUpdateGraph } from '../../src/training/graphs/step-graph';
import { initialState, runEpochs as train } from '../../src/training/run/trainer';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';

test('batches split like split_and_load: equal slices, the remainder on the last', () => {
  expect(splitSizes(100, 2)).toEqual([50, 50]);
  expect(splitSizes(100, 3)).toEqual([33, 33, 34]);
  expect(splitSizes(26, 4)).toEqual([6, 6, 6, 8]);
  expect(splitSizes(2, 4)).toEqual([1, 1]); // fewer samples than replicas: no empty slices
});

test('micro-batches differ by one sample at most, none larger than asked', () => {
  expect(balancedSizes(10, 4)).toEqual([3, 3, 2, 2]); // 10 in micro-batches of at most 3
  expect(balancedSizes(10000, 10)).toEqual(Array(10).fill(1000));
  expect(balancedSizes(2, 4)).toEqual([1, 1]);
});

test.each([
  ['2 replicas', 2, undefined],
  ['3 replicas', 3, undefined],
  ['micro-batches of at most 10 on one session', 1, 10],
  ['micro-batches of at most 7 on 2 replicas', 2, 7],
] as const)('%s give the single-session parameters after 8 steps (uneven last batch)', async (what, replicas, microBatch) => {
  const full = loadSplit(MNIST_DIR, 'train');
  const n = 250; // batches of 32: 7 full ones and one of 26
  const data = makeDataset('small', { ...full.images, count: n, pixels: full.images.pixels.subarray(0, n * 784) }, full.labels.subarray(0, n));
  const recipe = { model: 'lenet', epochs: 1, batchSize: 32, learningRate: 0.05, seed: 5 };
  const params = initParams(lenet, 6);

  const single = await trainWithStepGraph(lenet, encodeModel(buildTrainingStep(lenet)), initialState(recipe, params), data, { threads: 1 });
  const engine = await dataParallelEngine(
    lenet,
    { gradients: encodeModel(buildGradientGraph(lenet)), update: encodeModel(buildUpdateGraph(lenet)) },
    params,
    PLAIN_SGD,
    Array.from({ length: replicas }, () => ({ threads: 1 })),
    microBatch,
  );
  const parallel = await train(engine, initialState(recipe, params), data);
  await engine.release();

  let worst = 0;
  for (const p of lenet.params) {
    const a = single.state.params.get(p.name)!;
    const b = parallel.state.params.get(p.name)!;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  console.log(`${what} vs one session, 8 steps: max |param difference| ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-6);
  expect(parallel.state.history[0].accuracy).toBe(single.state.history[0].accuracy);
  expect(parallel.state.history[0].loss).toBeCloseTo(single.state.history[0].loss, 5);
});
