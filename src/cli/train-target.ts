// What a `train` run trains and where its files go, settled and checked before any training:
// the model and artifacts folder (from the flags, or from the checkpoint being resumed), the
// recipe, and a checkpoint path that can be written.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { trainingMemory } from '../library/train';
import { writeTemporary } from '../io/atomic-write';
import { describeFileError, isFileError } from '../io/file-errors';
import { dirname, resolve } from 'node:path';
import { ModelDefinition } from '../graph/model-definition';
import { DEFAULT_ARTIFACTS_DIR } from '../training/run/artifacts';
import { readCheckpoint, Recipe, TrainingState } from '../training/run/checkpoint';
import type { TrainArgs } from './train-options';
import { IMAGE_FOLDER, isImageFolder } from './cli-data';
import { UsageError } from './errors';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { engineUseOf, FLAG_WORDS, MODELS } from './options';
import { recipeFromFlags, resumedRecipe } from './recipe-options';
import { engineProblem } from '../training/engines/engine-limits';
import { projectPath } from './user-cwd';
import { importModel } from '../import/import-model';
import { cachableHead } from '../library/feature-cache';
import { classFolders } from '../data/image-folder';
import { datasetNamed } from '../data/dataset-files';

type ImportArgs = Pick<TrainArgs, 'model-file' | 'trainable' | 'freeze' | 'batch-norm'>;

export interface TrainTarget {
  def: ModelDefinition;
  artifacts: string;
  checkpointPath: string;
  recipe: Recipe;
  saved?: TrainingState;
}

export function resolveTrainTarget(args: TrainArgs): TrainTarget {
  if (args.resume && args.recipe) throw new UsageError('--recipe does not go with --resume: the checkpoint holds its recipe');
  const saved = args.resume ? readCheckpoint(args.resume) : undefined;
  const pictures = isImageFolder(args['data-dir']);
  if (pictures && args.dataset !== undefined) throw new UsageError(`--data-dir ${args['data-dir']} is a folder of pictures (class sub-folders), not ${args.dataset}'s files: drop --dataset`);
  const dataset = pictures ? IMAGE_FOLDER : args.dataset;
  const imported = importedModelToTrain(args, saved?.recipe, dataset ?? saved?.recipe.dataset ?? 'mnist');
  const model = (args.model ?? saved?.recipe.model ?? 'lenet') as (typeof MODELS)[number];
  const def = imported ? importModel(imported.path, imported) : MODEL_DEFINITIONS[model];
  if (args['cache-features']) {
    try {
      cachableHead(def);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const artifacts = args.artifacts ?? saved?.artifactsDir ?? projectPath(DEFAULT_ARTIFACTS_DIR);
  const checkpointPath = args.checkpoint ?? args.resume ?? `${artifacts}/${def.name}.ckpt`;
  checkWritableFolder(artifacts);
  checkCheckpointPath(checkpointPath);
  const recipe = saved
    ? resumedRecipe(saved.recipe, { ...args, dataset, model: args.model }, args.resume!)
    : { ...recipeFromFlags({ ...args, dataset, model: def.name }), ...(imported ? { modelFile: imported } : {}) };
  const problem = engineProblem({ ...engineUseOf(args), model: def, recipe, savePoints: !!(args.resume || args['checkpoint-every']) }, FLAG_WORDS);
  if (problem) throw new UsageError(problem);
  if (saved && recipe.epochs < saved.epoch) {
    throw new UsageError(
      `--epochs ${recipe.epochs} is fewer than the ${saved.epoch} epochs ${args.resume} has already done; ` +
        `give at least ${saved.epoch} (or drop --epochs to finish its ${saved.recipe.epochs})`,
    );
  }
  return { def, artifacts, checkpointPath, recipe, saved };
}

/** --model-file with its --trainable/--freeze patterns (absent: no imported model). */
export function importedModelOf(args: ImportArgs): Recipe['modelFile'] {
  const file = args['model-file'];
  if (!file) {
    const stray = (['trainable', 'freeze', 'batch-norm'] as const).find((flag) => args[flag] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --model-file (an imported model)`);
    return undefined;
  }
  return {
    path: resolve(file),
    ...(args.trainable ? { trainable: args.trainable } : {}),
    ...(args.freeze ? { frozen: args.freeze } : {}),
    ...(args['batch-norm'] ? { batchNorm: args['batch-norm'] } : {}),
  };
}

/** "0.485,0.456,0.406" -> numbers, or a usage error naming the flag. */
function numberList(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (values.some((v) => !Number.isFinite(v))) throw new UsageError(`--${flag} takes numbers separated by commas (one, or one per channel), got '${text}'`);
  return values;
}

type HeadArgs = Partial<Pick<TrainArgs, 'new-head' | 'head-after' | 'train-backbone' | 'cache-features' | 'mean' | 'std' | 'pixel-range' | 'seed'>>;

/** The --new-head and pixel flags added to the imported model; `classes` names the new head's classes. */
export function withHeadAndPixels(args: HeadArgs, imported: Recipe['modelFile'], classes: () => string[]): Recipe['modelFile'] {
  const pixelFlags = (['mean', 'std', 'pixel-range'] as const).filter((flag) => args[flag] !== undefined);
  const headFlags = (['new-head', 'head-after', 'train-backbone', 'cache-features'] as const).filter((flag) => args[flag] !== undefined);
  if (!imported) {
    const stray = [...headFlags, ...pixelFlags][0];
    if (stray) throw new UsageError(`--${stray} goes with --model-file (an imported model)`);
    return undefined;
  }
  const needsHead = headFlags.find((flag) => flag !== 'new-head');
  if (needsHead && !args['new-head']) throw new UsageError(`--${needsHead} goes with --new-head`);
  const names = args['new-head'] ? classes() : undefined;
  const seed = args.seed !== undefined ? { seed: args.seed } : {};
  const newHead = names && { classes: names, ...(args['head-after'] !== undefined ? { after: args['head-after'] } : {}), ...(args['train-backbone'] ? { trainBackbone: true } : {}), ...seed };
  const mean = numberList('mean', args.mean);
  const std = numberList('std', args.std);
  const pixels = pixelFlags.length ? { range: args['pixel-range'] === '0-255' ? (255 as const) : (1 as const), mean: mean ?? [0], std: std ?? [1] } : undefined;
  return { ...imported, ...(newHead ? { newHead } : {}), ...(pixels ? { pixels } : {}) };
}

/** The imported model a run trains: --model-file's, or the one the resumed checkpoint trained. */
function importedModelToTrain(args: TrainArgs, saved: Recipe | undefined, dataset: string): Recipe['modelFile'] {
  const classes = () => (dataset === IMAGE_FOLDER ? classFolders(args['data-dir']!) : [...datasetNamed(dataset).classes]);
  const given = withHeadAndPixels(args, importedModelOf(args), classes);
  if (given && args.model) throw new UsageError('--model and --model-file name two models: give one');
  if (given && saved) throw new UsageError(`--model-file does not go with --resume: ${args.resume} names its model`);
  return given ?? saved?.modelFile;
}

/** A checkpoint must be a file in a folder that exists or can be made; checked before training. */
function checkCheckpointPath(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(`--checkpoint ${path} is a directory; name a file in it, e.g. ${resolve(path, 'lenet.ckpt')}`);
  }
  for (let d = dirname(resolve(path)); ; d = dirname(d)) {
    if (existsSync(d)) {
      if (!statSync(d).isDirectory()) throw new UsageError(`--checkpoint ${path}: ${d} is a file, not a folder`);
      return;
    }
    if (d === dirname(d)) return;
  }
}

/** The artifacts folder exists (made if needed) and takes files; checked before any training. */
export function checkWritableFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    rmSync(writeTemporary(resolve(dir, '.write-test'), new Uint8Array(1)));
  } catch (e) {
    if (isFileError(e)) throw new UsageError(`--artifacts ${dir}: ${describeFileError(e)}`);
    throw e;
  }
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/**
 * A batch too large for this machine is refused before ONNX Runtime tries (and the system starts
 * swapping or kills the process); a large one is announced with its estimate. With --micro-batch the
 * step holds one micro-batch's tensors at a time.
 */
export function checkBatchMemory(def: ModelDefinition, batchSize: number, o: { microBatch?: number; total?: number; free?: number } = {}): string | undefined {
  const { total = totalmem(), free = freemem() } = o;
  const perRun = Math.min(batchSize, o.microBatch ?? batchSize);
  const need = trainingMemory(def, perRun);
  const what = `--batch-size ${batchSize}${perRun < batchSize ? ` in micro-batches of ${perRun}` : ''} needs about ${gb(need)} of memory for ${def.name}'s training step`;
  const splittable = !engineProblem({ engine: 'native', dataParallel: false, microBatch: true, model: def });
  if (need > 0.9 * total) throw new UsageError(`${what}; this machine has ${gb(total)}: use a smaller batch${splittable ? ', or --micro-batch to compute its gradient in parts' : ''}`);
  if (need > free) return `warning: ${what}; ${gb(free)} is free now`;
  if (need > 2e9) return `${what}`;
  return undefined;
}
