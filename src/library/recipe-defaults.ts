// A training recipe from what was chosen, its defaults filled in, written once for the library, the
// CLI and the demo: the seed tutorial's epochs, batch and seed, and the learning rate by optimizer
// (its declaration in src/training/graphs/optimizers/) and by model (the tutorial's MLP chapter
// trained with SGD at 0.02).
import { OPTIMIZERS, OptimizerConfig, OptimizerName, PLAIN_SGD } from '../training/graphs/optimizers/optimizer';
import type { Recipe } from '../training/recipe';
import { CONSTANT_LR, ScheduleConfig } from '../training/run/schedules';

export const RECIPE_DEFAULTS = { epochs: 10, batchSize: 100, seed: 42 } as const;

/** Models whose tutorial chapter used another SGD learning rate than SGD's default (0.03). */
const SGD_RATE_BY_MODEL: Record<string, number> = { mlp: 0.02 };

/** The learning rate when none is given: the model's own with SGD, else the optimizer's default. */
export function defaultLearningRate(model: string, optimizer: OptimizerName): number {
  return (optimizer === 'sgd' ? SGD_RATE_BY_MODEL[model] : undefined) ?? OPTIMIZERS[optimizer].defaultLearningRate;
}

/** What a run chose; anything left out takes its default. */
export type RecipeChoices = Partial<Omit<Recipe, 'model' | 'optimizer' | 'schedule'>> & { optimizer: OptimizerConfig; schedule: ScheduleConfig };

/** The recipe of a fresh run, as checkpoints have always written it (MNIST, plain SGD and a constant rate left out). */
export function recipeFrom(model: string, c: RecipeChoices): Recipe {
  return {
    model,
    epochs: c.epochs ?? RECIPE_DEFAULTS.epochs,
    batchSize: c.batchSize ?? RECIPE_DEFAULTS.batchSize,
    learningRate: c.learningRate ?? defaultLearningRate(model, c.optimizer.name),
    seed: c.seed ?? RECIPE_DEFAULTS.seed,
    ...(c.limit !== undefined ? { limit: c.limit } : {}),
    ...(c.dataset !== undefined && c.dataset !== 'mnist' ? { dataset: c.dataset } : {}),
    ...(c.valFraction !== undefined ? { valFraction: c.valFraction } : {}),
    ...(c.optimizer !== PLAIN_SGD ? { optimizer: c.optimizer } : {}),
    ...(c.schedule !== CONSTANT_LR ? { schedule: c.schedule } : {}),
    ...(c.loss !== undefined && c.loss !== 'cross-entropy' ? { loss: c.loss } : {}),
  };
}
