// Where `train` and `evaluate` get their images: a dataset of the catalog (--dataset, found in
// --data-dir / its environment variable / ./data, or downloaded), or, when --data-dir is a folder of
// pictures sorted into class sub-folders, those pictures (--val-fraction holds out part of them).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Dataset } from '../data/dataset';
import { DATASETS } from '../data/dataset-catalog';
import { DataLocation, datasetNamed, loadSplit, locateDataset, shapeMismatch } from '../data/dataset-files';
import { loadImageFolder } from '../data/image-folder';
import { splitValidation } from '../data/split-validation';
import { ModelDefinition } from '../graph/model-definition';
import { UsageError } from './errors';

/** The recipe's dataset name for a folder of pictures (not a --dataset choice). */
export const IMAGE_FOLDER = 'image-folder';

const IDX_FILES = new Set(Object.values(DATASETS).flatMap((d) => Object.values(d.files).flatMap((f) => [f.file, f.file.replace(/\.gz$/, '')])));

/** A folder with sub-folders and none of the IDX files: pictures sorted by class. */
export function isImageFolder(dir: string | undefined): dir is string {
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) return false;
  const names = readdirSync(dir);
  return !names.some((n) => IDX_FILES.has(n)) && names.some((n) => statSync(join(dir, n)).isDirectory());
}

export interface CliData {
  data: Dataset;
  /** Scored by --val-every (the test split, or the held-out pictures). */
  validation: () => Dataset | undefined;
  /** "MNIST images from /data/mnist", "pictures from ./photos (3 classes)". */
  description: string;
  classNames: readonly string[];
}

/** What an image folder is decoded to for a model: its input's channels (1 gray, 3 RGB) and size. */
function pictureShape(def: Pick<ModelDefinition, 'name' | 'sampleDims'>): { channels: 1 | 3; rows: number; cols: number } {
  const [channels, rows, cols] = def.sampleDims;
  if (def.sampleDims.length === 3 && (channels === 1 || channels === 3)) return { channels, rows, cols };
  const why = def.sampleDims.length === 3 && channels === 4 ? ' (4 channels: pictures with transparency are not fed as RGBA)' : '';
  throw new UsageError(`${def.name} takes [${def.sampleDims}] samples${why}; image folders give [1, rows, cols] (grayscale) or [3, rows, cols] (RGB) ones`);
}

/** The pictures of an image folder, decoded to the model's channels and size, their classes checked against it. */
export async function imageFolderData(dir: string, def: Pick<ModelDefinition, 'name' | 'sampleDims' | 'classes'>): Promise<Dataset> {
  const d = await loadImageFolder(resolve(dir), { ...pictureShape(def), onWarning: (line) => console.error(`warning: ${line}`) });
  const classes = d.classNames!.length;
  if (classes !== def.classes) {
    throw new UsageError(`${dir} has ${classes} class folders (${d.classNames!.join(', ')}); ${def.name} predicts ${def.classes} classes: use a model with ${classes} (or --new-head for an imported one)`);
  }
  return d;
}

/** The training data of a run: `dataset` is the recipe's (an IDX dataset's name or IMAGE_FOLDER). */
export async function loadTrainingData(
  def: ModelDefinition,
  dataset: string,
  o: { dataDir?: string; valFraction?: number; seed: number; wantValidation: boolean; onLog: (line: string) => void; onDownload?: DataLocation['onDownload'] },
): Promise<CliData> {
  if (dataset === IMAGE_FOLDER) {
    if (!isImageFolder(o.dataDir)) throw new UsageError(`this run trains on a folder of pictures: give it with --data-dir (one sub-folder per class)${o.dataDir ? `; ${o.dataDir} is not one` : ''}`);
    const all = await imageFolderData(o.dataDir, def);
    const parts = o.valFraction ? splitValidation(all, o.valFraction, o.seed) : undefined;
    if (o.wantValidation && !parts) throw new UsageError('--val-every on an image folder needs --val-fraction (the share of each class to hold out and score)');
    const data = parts?.train ?? all;
    const held = parts ? `, ${parts.validation.images.count} held out` : '';
    return { data, validation: () => parts?.validation, description: `pictures from ${resolve(o.dataDir)} (${all.classNames!.length} classes${held})`, classNames: all.classNames! };
  }
  if (o.valFraction !== undefined) throw new UsageError(`--val-fraction applies to image folders (--data-dir with one sub-folder per class); ${dataset} has its own test split`);
  const idx = datasetNamed(dataset);
  const mismatch = shapeMismatch(idx, def);
  if (mismatch) throw new UsageError(`${mismatch}: choose a model for that dataset`);
  const dir = await locateDataset(idx, { dataDir: o.dataDir, onLog: o.onLog, onDownload: o.onDownload });
  return {
    data: loadSplit(dir, 'train', idx),
    validation: () => loadSplit(dir, 'test', idx),
    description: `${idx.title} images from ${dir}`,
    classNames: idx.classes,
  };
}
