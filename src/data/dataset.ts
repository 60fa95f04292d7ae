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
}

export function makeDataset(name: string, images: ImageSet, labels: Uint8Array, classNames?: readonly string[]): Dataset {
  if (images.count !== labels.length) {
    throw new DataError(`${name}: ${images.count} images but ${labels.length} labels`);
  }
  return classNames ? { name, images, labels, classNames } : { name, images, labels };
}

export const channelsOf = (d: Dataset) => d.images.channels ?? 1;
export const sampleSize = (d: Dataset) => channelsOf(d) * d.images.rows * d.images.cols;

/** The first `count` samples (at most the whole set), sharing d's buffers. */
export function firstSamples(d: Dataset, count: number): Dataset {
  if (count >= d.images.count) return d;
  const { pixels, values } = d.images;
  const images = { ...d.images, count, pixels: pixels.subarray(0, values ? 0 : count * sampleSize(d)), ...(values ? { values: values.subarray(0, count * sampleSize(d)) } : {}) };
  return makeDataset(`${d.name}[:${count}]`, images, d.labels.subarray(0, count), d.classNames);
}

/**
 * Write samples order[start .. start+count) into x (count * pixels floats) and y (count labels),
 * each byte through `normalization` (default MNIST's / 255), or the set's float values as they are.
 * The buffers are reused across batches; returns the views of the filled part.
 */
export function fillBatch(
  d: Dataset,
  order: ArrayLike<number>,
  start: number,
  count: number,
  x: Float32Array,
  y: BigInt64Array,
  normalization: PixelNormalization = MNIST_PIXELS,
): { x: Float32Array; y: BigInt64Array } {
  const size = sampleSize(d);
  const { values } = d.images;
  if (values) {
    for (let i = 0; i < count; i++) {
      const sample = order[start + i];
      x.set(values.subarray(sample * size, (sample + 1) * size), i * size);
      y[i] = BigInt(d.labels[sample]);
    }
    return { x: x.subarray(0, count * size), y: y.subarray(0, count) };
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
    y[i] = BigInt(d.labels[sample]);
  }
  return { x: x.subarray(0, count * size), y: y.subarray(0, count) };
}
