// The training recipe as given on the command line: defaults, --resume consistency, save points.
import type { LossName } from '../graph/model-definition';
import type { Recipe } from '../training/run/checkpoint';
import { datasetOf, optimizerOf, scheduleOf } from '../training/recipe';
import { UsageError } from './errors';
import { recipeFrom } from '../library/recipe-defaults';
import { optimizerClashes, OptimizerFlags, optimizerFromFlags, scheduleFromFlags } from './optimizer-options';


/**
 * Named starting points; explicit flags override their values. `fast`: the quickest way to 99%
 * validation accuracy measured here (AdamW, one-cycle schedule, batch 128, 2 epochs; see
 * docs/how-training-works.md, "Optimizers and schedules").
 */
export const RECIPE_PRESETS = {
  tutorial: {},
  /** The tutorial's, by its earlier name. */
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
  loss?: LossName;
}

export function recipeFromFlags(given: RecipeFlags & { model: string }): Recipe {
  const explicit = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const f: RecipeFlags & { model: string } = { ...RECIPE_PRESETS[given.recipe ?? 'tutorial'], ...explicit, model: given.model };
  const optimizer = optimizerFromFlags(f);
  const schedule = scheduleFromFlags(f);
  return recipeFrom(f.model, {
    epochs: f.epochs,
    batchSize: f['batch-size'],
    learningRate: f.lr,
    seed: f.seed,
    limit: f.limit,
    dataset: f.dataset,
    valFraction: f['val-fraction'],
    optimizer,
    schedule,
    loss: f.loss,
  });
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
  clash('loss', f.loss, saved.loss ?? 'cross-entropy');
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
