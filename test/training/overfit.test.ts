// Training really learns: a small batch of real digits is fitted to near-zero loss.
import { lenet } from '../../model/lenet.onnx-builder';
import { makeDataset } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { encodeModel } from '../../src/onnx/encode';
import { initParams } from '../../src/training/graphs/init';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { initialState } from '../../src/training/run/trainer';
import { runEpochsOnStepGraph as train } from '../../src/training/run/trainer';
import { MNIST_DIR } from '../helpers/mnist-dir';

test('LeNet overfits 32 MNIST digits (loss -> ~0, accuracy 1)', async () => {
  const full = loadSplit(MNIST_DIR, 'train');
  const n = 32;
  const small = makeDataset(
    'mnist-train-32',
    { count: n, rows: 28, cols: 28, pixels: full.images.pixels.slice(0, n * 784) },
    full.labels.slice(0, n),
  );
  const recipe = { model: 'lenet', epochs: 60, batchSize: 8, learningRate: 0.1, seed: 1 };
  const result = await train(lenet, encodeModel(buildTrainingStep(lenet)), initialState(recipe, initParams(lenet, 1)), small, { threads: 1 });
  expect(result.status).toBe('completed');
  const history = result.state.history;
  const first = history[0];
  const last = history[history.length - 1];
  expect(first.loss).toBeGreaterThan(1.5);
  expect(last.loss).toBeLessThan(0.01);
  expect(last.accuracy).toBe(1);
});

test('a partial last batch trains (dynamic batch dimension)', async () => {
  const full = loadSplit(MNIST_DIR, 'test');
  const n = 25;
  const small = makeDataset('mnist-test-25', { count: n, rows: 28, cols: 28, pixels: full.images.pixels.slice(0, n * 784) }, full.labels.slice(0, n));
  const recipe = { model: 'lenet', epochs: 1, batchSize: 10, learningRate: 0.03, seed: 1 }; // 10 + 10 + 5
  const result = await train(lenet, encodeModel(buildTrainingStep(lenet)), initialState(recipe, initParams(lenet, 1)), small, { threads: 1 });
  expect(result.state.history[0].samples).toBe(25);
  expect(Number.isFinite(result.state.history[0].loss)).toBe(true);
});
