// A labelled image set, and feeding it to a model: float32 [N, channels, rows, cols], each byte
// through the model's pixel normalization (MNIST's convention by default: pixels / 255).
import { DataError, ImageSet } from './idx-bytes';
import { MNIST_PIXELS, pixelTables, PixelNormalization } from './pixel-normalization';

export interface Dataset {
  name: string;
  images: ImageSet;
  labels: Uint8Array;
  /** The name of each class, by label; absent: the labels themselves ("0", "1", ...). */
  classNames?: readonly string[];
  /**
   * Target values the model's outputs are trained towards, the same number per sample, sample by
   * sample (a regressor's, or soft labels); absent: the labels are the targets.
   */
  targets?: Float32Array;
}

export function makeDataset(name: string, images: ImageSet, labels: Uint8Array, classNames?: readonly string[], targets?: Float32Array): Dataset {
  if (images.count !== labels.length) {
    throw new DataError(`${name}: ${images.count} images but ${labels.length} labels`);
  }
  if (targets && (images.count === 0 || targets.length === 0 || targets.length % images.count !== 0)) {
    throw new DataError(`${name}: ${targets.length} target values is not the same number for each of the ${images.count} images`);
  }
  return { name, images, labels, ...(classNames ? { classNames } : {}), ...(targets ? { targets } : {}) };
}

/** Target values per sample (0 when the labels are the targets). */
export const targetsPerSample = (d: Dataset) => (d.targets ? d.targets.length / d.images.count : 0);

export const channelsOf = (d: Dataset) => d.images.channels ?? 1;
export const sampleSize = (d: Dataset) => channelsOf(d) * d.images.rows * d.images.cols;

/** The first `count` samples (at most the whole set), sharing d's buffers. */
export function firstSamples(d: Dataset, count: number): Dataset {
  if (count >= d.images.count) return d;
  const { pixels, values } = d.images;
  const images = { ...d.images, count, pixels: pixels.subarray(0, values ? 0 : count * sampleSize(d)), ...(values ? { values: values.subarray(0, count * sampleSize(d)) } : {}) };
  return makeDataset(`${d.name}[:${count}]`, images, d.labels.subarray(0, count), d.classNames, d.targets?.subarray(0, count * targetsPerSample(d)));
}

/**
 * Write samples order[start .. start+count) into x (count * pixels floats) and y (count labels, or
 * with d.targets a Float32Array of their target values), each byte through `normalization` (default
 * MNIST's / 255), or the set's float values as they are. The buffers are reused across batches;
 * returns the views of the filled part.
 */
export function fillBatch<Y extends BigInt64Array | Float32Array>(
  d: Dataset,
  order: ArrayLike<number>,
  start: number,
  count: number,
  x: Float32Array,
  y: Y,
  normalization: PixelNormalization = MNIST_PIXELS,
): { x: Float32Array; y: Y } {
  const filledY = fillTargets(d, order, start, count, y);
  const size = sampleSize(d);
  const { values } = d.images;
  if (values) {
    for (let i = 0; i < count; i++) {
      const sample = order[start + i];
      x.set(values.subarray(sample * size, (sample + 1) * size), i * size);
    }
    return { x: x.subarray(0, count * size), y: filledY };
  }
  const plane = d.images.rows * d.images.cols;
  const tables = pixelTables(normalization, channelsOf(d));
  const pixels = d.images.pixels;
  for (let i = 0; i < count; i++) {
    const sample = order[start + i];
    for (let c = 0; c < tables.length; c++) {
      const table = tables[c];
      const src = sample * size + c * plane;
      const dst = i * size + c * plane;
      for (let j = 0; j < plane; j++) x[dst + j] = table[pixels[src + j]];
    }
  }
  return { x: x.subarray(0, count * size), y: filledY };
}

/** The labels (int64) or target values (float32) of samples order[start .. start+count) written into y; the filled view. */
function fillTargets<Y extends BigInt64Array | Float32Array>(d: Dataset, order: ArrayLike<number>, start: number, count: number, y: Y): Y {
  if (y instanceof BigInt64Array) {
    if (d.targets) throw new DataError(`${d.name} holds target values, not labels`);
    for (let i = 0; i < count; i++) y[i] = BigInt(d.labels[order[start + i]]);
    return y.subarray(0, count) as Y;
  }
  const k = targetsPerSample(d);
  if (!d.targets) throw new DataError(`${d.name} holds labels, not target values`);
  for (let i = 0; i < count; i++) {
    const sample = order[start + i];
    y.set(d.targets.subarray(sample * k, (sample + 1) * k), i * k);
  }
  return y.subarray(0, count * k) as Y;
}
