// Recipe defaults are written once (src/library/recipe-defaults.ts and the optimizers'
// declarations): the library's train() and the CLI's flags give the same recipe.
import { datasets, models, train } from '../../src/index';
import { recipeFromFlags } from '../../src/cli/recipe-options';
import { defaultLearningRate } from '../../src/library/recipe-defaults';

test('learning rates by model and optimizer: SGD 0.03, the MLP chapter 0.02, Adam and AdamW 0.001', () => {
  expect(defaultLearningRate('lenet', 'sgd')).toBe(0.03);
  expect(defaultLearningRate('mlp', 'sgd')).toBe(0.02);
  expect(defaultLearningRate('mlp', 'adamw')).toBe(0.001);
  expect(defaultLearningRate('my-model', 'adam')).toBe(0.001);
});

test('train() on the MLP with no options runs the recipe the CLI runs for --model mlp', async () => {
  const data = datasets.fromArrays({ name: 'blank', pixels: new Uint8Array(100 * 784), rows: 28, cols: 28, labels: new Uint8Array(100) });
  const trained = await train(models.mlp, data, { epochs: 1 });
  expect(trained.recipe).toEqual({ ...recipeFromFlags({ model: 'mlp' }), epochs: 1 });
  expect(trained.recipe.learningRate).toBe(0.02);
});
