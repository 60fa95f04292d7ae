// The training run as a library call: events in order, save points, step-wise validation that
// stops the run, and the exported model's metadata; nothing printed, no file written.
import { mlp } from '../../model/mlp.onnx-builder';
import { makeDataset } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { encodeModel } from '../../src/onnx/encode';
import { initParams } from '../../src/training/graphs/init';
import { nativeEngine } from '../../src/training/engines/native-engine';
import { initialOptimizerState, PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { Recipe } from '../../src/training/recipe';
import { CONSTANT_LR } from '../../src/training/run/schedules';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { initialState } from '../../src/training/run/trainer';
import { exportedModel, runTrainingJob } from '../../src/training/run/training-run';
import { MNIST_DIR } from '../helpers/mnist-dir';

const full = loadSplit(MNIST_DIR, 'train');
const data = makeDataset('small', { ...full.images, count: 1000, pixels: full.images.pixels.subarray(0, 1000 * 784) }, full.labels.subarray(0, 1000));
const validation = loadSplit(MNIST_DIR, 'test');

async function runWith(recipe: Recipe, extra: { stopAtAccuracy?: number; every?: { unit: 'epochs' | 'steps'; count: number } } = {}) {
  const optimizer = recipe.optimizer ?? PLAIN_SGD;
  const start = initialState(recipe, new Map([...initParams(mlp, 3), ...initialOptimizerState(mlp, optimizer)]));
  const engine = await nativeEngine(mlp, encodeModel(buildTrainingStep(mlp, optimizer)), start.params, optimizer, { threads: 1 });
  const seen: string[] = [];
  try {
    const result = await runTrainingJob(
      {
        def: mlp,
        start,
        data,
        engine,
        validation: { data: validation, every: extra.every ?? { unit: 'epochs', count: 1 }, session: { threads: 1 }, stopAtAccuracy: extra.stopAtAccuracy },
        checkpointEvery: { unit: 'steps', count: 4 },
      },
      {
        onEpoch: (r, val, lr) => void seen.push(`epoch ${r.epoch} val ${val !== undefined} lr ${lr.toPrecision(3)}`),
        onValidation: (steps) => void seen.push(`validation ${steps}`),
        onCheckpoint: (s) => void seen.push(`save ${s.epoch}:${s.step}`),
      },
    );
    return { result, seen };
  } finally {
    await engine.release();
  }
}

test('epochs, save points and the rate of a cosine schedule come as events; the model carries the recipe', async () => {
  const recipe: Recipe = { model: 'mlp', epochs: 2, batchSize: 100, learningRate: 0.1, seed: 1, optimizer: { ...PLAIN_SGD, momentum: 0.9 }, schedule: { ...CONSTANT_LR, name: 'cosine' } };
  const { result, seen } = await runWith(recipe);
  expect(result.status).toBe('completed');
  // 10 steps an epoch, a save point every 4 steps (none after the last step: the run is done);
  // cosine over 20 steps: the rate of step 9 is 0.1 (1 + cos(9π/20)) / 2, of step 19 0.1 (1 + cos(19π/20)) / 2.
  expect(seen).toEqual(['save 0:4', 'save 0:8', 'epoch 1 val true lr 0.0578', 'save 1:2', 'save 1:6', 'epoch 2 val true lr 0.000616']);
  expect(result.finalValAccuracy).toBeGreaterThan(0.5);
  const metadata = exportedModel(mlp, result, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']).metadata!;
  expect(metadata.training_recipe).toMatch(/^SGD lr 0\.1, momentum 0\.9, cosine to 0; batch=100 epochs=2 /);
  expect(metadata.validation_accuracy).toBe(result.finalValAccuracy!.toFixed(4));
});

test('a step-wise validation that reaches the target ends the run there', async () => {
  const recipe: Recipe = { model: 'mlp', epochs: 5, batchSize: 100, learningRate: 0.1, seed: 1 };
  const { result, seen } = await runWith(recipe, { every: { unit: 'steps', count: 5 }, stopAtAccuracy: 0.5 });
  expect(result.stoppedEarly).toBeDefined();
  const validations = seen.filter((e) => e.startsWith('validation'));
  expect(validations).toEqual(validations.map((_, i) => `validation ${5 * (i + 1)}`));
  expect(result.finalValAccuracy).toBeGreaterThanOrEqual(0.5);
  expect(result.state.history.length).toBeLessThan(5);
});
