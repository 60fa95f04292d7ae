// The recipe a `train` command line asks for: defaults by optimizer, presets, overrides; steps per run.
import { stepsPerRunOf } from '../../src/cli/options';
import { recipeFromFlags } from '../../src/cli/recipe-options';
import { PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';

test('the seed recipe is plain SGD at a constant rate, written as before (no optimizer or schedule fields)', () => {
  expect(recipeFromFlags({ model: 'lenet' })).toEqual({ model: 'lenet', epochs: 10, batchSize: 100, learningRate: 0.03, seed: 42 });
  expect(recipeFromFlags({ model: 'mlp' }).learningRate).toBe(0.02);
});

test('Adam and AdamW default to PyTorch\'s rate and settings; AdamW decays 0.01', () => {
  const adam = recipeFromFlags({ model: 'lenet', optimizer: 'adam' });
  expect(adam.learningRate).toBe(0.001);
  expect(adam.optimizer).toEqual({ ...PLAIN_SGD, name: 'adam' });
  expect(recipeFromFlags({ model: 'lenet', optimizer: 'adamw' }).optimizer!.weightDecay).toBe(0.01);
});

test('--recipe fast sets AdamW, one-cycle, batch 128, 2 epochs; explicit flags win', () => {
  const fast = recipeFromFlags({ model: 'lenet', recipe: 'fast' });
  expect(fast).toMatchObject({ epochs: 2, batchSize: 128, learningRate: 6e-3 });
  expect(fast.optimizer!.name).toBe('adamw');
  expect(fast.schedule!.name).toBe('onecycle');
  expect(recipeFromFlags({ model: 'lenet', recipe: 'fast', epochs: 1, lr: 0.004 })).toMatchObject({ epochs: 1, learningRate: 0.004, batchSize: 128 });
});

test('steps per run: 10 on the CPU with the native engine (at most 2,000 samples a run), else 1, unless given', () => {
  expect(stepsPerRunOf({}, 100)).toBe(10);
  expect(stepsPerRunOf({ ep: 'cpu' }, 256)).toBe(7);
  expect(stepsPerRunOf({}, 5000)).toBe(1);
  expect(stepsPerRunOf({ ep: 'cuda' }, 100)).toBe(1);
  expect(stepsPerRunOf({ replicas: 2 }, 100)).toBe(1);
  expect(stepsPerRunOf({ engine: 'ort-training' }, 100)).toBe(1);
  expect(stepsPerRunOf({ 'steps-per-run': 3, ep: 'cuda' }, 100)).toBe(3);
});
