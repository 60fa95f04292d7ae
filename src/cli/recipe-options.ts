// The training recipe as given on the command line: defaults, --resume consistency, save points.
import type { Recipe } from '../training/run/checkpoint';
import { datasetOf, optimizerOf, scheduleOf } from '../training/run/recipe';
import { PLAIN_SGD } from '../training/graphs/optimizers/optimizer';
import { CONSTANT_LR } from '../training/run/schedules';
import { UsageError } from './errors';
import { ADAM_LEARNING_RATE, optimizerClashes, OptimizerFlags, optimizerFromFlags, scheduleFromFlags } from './optimizer-options';

/** The seed tutorial's recipe; its MLP chapter used a learning rate of 0.02. */
export const RECIPE_DEFAULTS = { epochs: 10, batchSize: 100, learningRate: 0.03, seed: 42 } as const;
const LEARNING_RATE_BY_MODEL: Record<string, number> = { lenet: 0.03, mlp: 0.02 };

/**
 * Named starting points; explicit flags override their values. `fast`: the quickest way to 99%
 * validation accuracy measured here (AdamW, one-cycle schedule, batch 128, 2 epochs; see the
 * README's "Optimizers and schedules").
 */
export const RECIPE_PRESETS = {
  seed: {},
  fast: { optimizer: 'adamw', lr: 6e-3, 'lr-schedule': 'onecycle', 'batch-size': 128, epochs: 2 },
} as const satisfies Record<string, Partial<RecipeFlags>>;
export type RecipePreset = keyof typeof RECIPE_PRESETS;

export interface RecipeFlags extends OptimizerFlags {
  recipe?: RecipePreset;
  model?: string;
  epochs?: number;
  'batch-size'?: number;
  lr?: number;
  seed?: number;
  limit?: number;
  dataset?: string;
  'val-fraction'?: number;
}

export function recipeFromFlags(given: RecipeFlags & { model: string }): Recipe {
  const explicit = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const f: RecipeFlags & { model: string } = { ...RECIPE_PRESETS[given.recipe ?? 'seed'], ...explicit, model: given.model };
  const optimizer = optimizerFromFlags(f);
  const schedule = scheduleFromFlags(f);
  const defaultRate = optimizer.name === 'sgd' ? (LEARNING_RATE_BY_MODEL[f.model] ?? RECIPE_DEFAULTS.learningRate) : ADAM_LEARNING_RATE;
  return {
    model: f.model,
    epochs: f.epochs ?? RECIPE_DEFAULTS.epochs,
    batchSize: f['batch-size'] ?? RECIPE_DEFAULTS.batchSize,
    learningRate: f.lr ?? defaultRate,
    seed: f.seed ?? RECIPE_DEFAULTS.seed,
    ...(f.limit !== undefined ? { limit: f.limit } : {}),
    // MNIST is written as before (no dataset field).
    ...(f.dataset !== undefined && f.dataset !== 'mnist' ? { dataset: f.dataset } : {}),
    ...(f['val-fraction'] !== undefined ? { valFraction: f['val-fraction'] } : {}),
    // The seed's plain SGD at a constant rate is written as before (no optimizer or schedule).
    ...(optimizer !== PLAIN_SGD ? { optimizer } : {}),
    ...(schedule !== CONSTANT_LR ? { schedule } : {}),
  };
}

/**
 * The recipe to continue a checkpointed run with: the checkpoint's, except --epochs, which may
 * extend the run. Any other explicit flag must agree with the checkpoint.
 */
export function resumedRecipe(saved: Recipe, f: RecipeFlags, checkpoint: string): Recipe {
  const clash = (flag: string, given: unknown, had: unknown) => {
    if (given !== undefined && given !== had) {
      throw new UsageError(`--${flag} ${String(given)} contradicts ${checkpoint}, which was trained with ${String(had ?? 'none')}; drop --${flag} to resume`);
    }
  };
  clash('model', f.model, saved.model);
  clash('batch-size', f['batch-size'], saved.batchSize);
  clash('lr', f.lr, saved.learningRate);
  clash('seed', f.seed, saved.seed);
  clash('limit', f.limit, saved.limit);
  clash('dataset', f.dataset, datasetOf(saved));
  clash('val-fraction', f['val-fraction'], saved.valFraction);
  for (const [flag, given, had] of optimizerClashes(f, { optimizer: optimizerOf(saved), schedule: scheduleOf(saved) })) clash(flag, given, had);
  return { ...saved, epochs: f.epochs ?? saved.epochs };
}

/** "3" or "3epochs" -> every 3 epochs; "500steps" -> every 500 steps. */
export function parseCheckpointEvery(text: string, flag = '--checkpoint-every'): { unit: 'epochs' | 'steps'; count: number } {
  const m = /^\s*(\d+)\s*(epochs?|steps?)?\s*$/.exec(text);
  if (!m || Number(m[1]) <= 0) {
    throw new UsageError(`${flag} must look like "2" (epochs) or "500steps", got "${text}"`);
  }
  return { unit: m[2]?.startsWith('step') ? 'steps' : 'epochs', count: Number(m[1]) };
}

export function checkStopAt(a: { 'stop-at-accuracy'?: number; 'val-every'?: string }): true {
  const v = a['stop-at-accuracy'];
  if (v === undefined) return true;
  if (!(v > 0 && v <= 1)) throw new UsageError(`--stop-at-accuracy must be in (0, 1], got ${v}`);
  if (a['val-every'] === undefined) throw new UsageError('--stop-at-accuracy needs --val-every (how often to measure it)');
  return true;
}
