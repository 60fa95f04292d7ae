// Datasets for the library's users: the IDX datasets the project knows (found in a folder, the
// dataset's environment variable, or downloaded and verified), and labelled images a user already
// holds in memory.
import { resolve } from 'node:path';
import { Dataset, makeDataset } from '../data/dataset';
import { FASHION_MNIST, IdxDataset, MNIST } from '../data/dataset-catalog';
import { DataError } from '../data/idx-file';
import { loadSplit, locateDataset } from '../data/dataset-files';
import { loadImageFolder } from '../data/image-folder';
import { splitValidation } from '../data/split-validation';

export type { Dataset } from '../data/dataset';

export interface IdxDatasetOptions {
  /** 'train' (default) or 'test'. */
  split?: 'train' | 'test';
  /** A folder holding the files; else $MNIST_DIR / $FASHION_MNIST_DIR, else ./data/<name> under the working directory (downloaded there when missing). */
  dir?: string;
  /** Progress lines (where the data was found, downloads). */
  onLog?: (line: string) => void;
}

async function idx(d: IdxDataset, o: IdxDatasetOptions): Promise<Dataset> {
  const dir = await locateDataset(d, { dataDir: o.dir, onLog: o.onLog, defaultDir: resolve('data', d.name) });
  return loadSplit(dir, o.split ?? 'train', d);
}

export interface ArrayDatasetInit {
  name: string;
  /**
   * count * channels * rows * cols bytes, image by image, row by row within each channel's plane
   * (grayscale: 0 = background, 255 = ink); fed to models through their pixel normalization (default byte / 255).
   */
  pixels: Uint8Array;
  rows: number;
  cols: number;
  /** 1 (grayscale, default) or 3 (RGB planes). */
  channels?: number;
  /** One class index per image (may be left out when `targets` are given). */
  labels?: Uint8Array;
  /**
   * Target values instead of labels: the same number per image (the model's outputs), image by
   * image; trained towards with `loss: 'mse'`, `'l1'` or `'bce'` (or soft labels with cross-entropy).
   */
  targets?: Float32Array;
  /** The class names, by index (their count is the number of classes). */
  classNames?: readonly string[];
}

function fromArrays(init: ArrayDatasetInit): Dataset {
  const channels = init.channels ?? 1;
  const size = channels * init.rows * init.cols;
  if (!Number.isInteger(channels) || !(size > 0) || init.pixels.length % size !== 0) {
    throw new DataError(`${init.name}: ${init.pixels.length} ${channels === 1 ? 'pixels' : 'bytes'} is not a whole number of ${init.rows}x${init.cols} images${channels === 1 ? '' : ` of ${channels} channels`}`);
  }
  const count = init.pixels.length / size;
  const classes = init.classNames?.length;
  if (!init.labels && !init.targets) throw new DataError(`${init.name}: give labels (one class per image) or targets (values per image)`);
  const labels = init.labels ?? new Uint8Array(count);
  const bad = classes === undefined ? -1 : labels.findIndex((l) => l >= classes);
  if (bad >= 0) throw new DataError(`${init.name}: label ${labels[bad]} of image ${bad} is not one of the ${classes} classes`);
  const nonFinite = init.targets?.findIndex((v) => !Number.isFinite(v)) ?? -1;
  if (nonFinite >= 0) throw new DataError(`${init.name}: target value ${nonFinite} is ${init.targets![nonFinite]}`);
  return makeDataset(init.name, { count, rows: init.rows, cols: init.cols, ...(channels > 1 ? { channels } : {}), pixels: init.pixels }, labels, init.classNames, init.targets);
}

export interface ImageFolderOptions {
  /** The size pictures are resized to (default 28 x 28, MNIST's). */
  rows?: number;
  cols?: number;
  /** 1 (grayscale, default) or 3 (RGB): the channels of the model's input. */
  channels?: 1 | 3;
  /** Invert after decoding (dark ink on light paper -> MNIST's light ink on black). */
  invert?: boolean;
  /** How pictures are scaled to rows x cols (stretched, aspect not kept): 'lanczos3' (default) or 'nearest'. */
  resize?: 'lanczos3' | 'nearest';
  /** One line when some pictures had transparency (dropped, laid on white). */
  onWarning?: (line: string) => void;
}

export const datasets = {
  /** MNIST's handwritten digits (60,000 training / 10,000 test images, 28x28), checksums verified. */
  mnist: (o: IdxDatasetOptions = {}) => idx(MNIST, o),
  /** Zalando's Fashion-MNIST (same format and sizes as MNIST, ten kinds of clothing). */
  fashionMnist: (o: IdxDatasetOptions = {}) => idx(FASHION_MNIST, o),
  /** Labelled images already in memory (grayscale, or RGB planes). */
  fromArrays,
  /** Pictures in one sub-folder per class (the folder names are the class names, in sorted order). */
  imageFolder: (dir: string, o: ImageFolderOptions = {}) => loadImageFolder(dir, { ...o, rows: o.rows ?? 28, cols: o.cols ?? 28 }),
  /** Holds out `fraction` of each class for validation (seeded): { train, validation }. */
  split: (d: Dataset, fraction: number, seed = 42) => splitValidation(d, fraction, seed),
};
