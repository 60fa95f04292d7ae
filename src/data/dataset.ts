// A labelled image set, and the MNIST convention for feeding it: pixels / 255 as float32 [N,1,28,28].
import { DataError, ImageSet } from './idx-bytes';

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

export const sampleSize = (d: Dataset) => d.images.rows * d.images.cols;

/** The first `count` samples (at most the whole set), sharing d's buffers. */
export function firstSamples(d: Dataset, count: number): Dataset {
  if (count >= d.images.count) return d;
  const images = { ...d.images, count, pixels: d.images.pixels.subarray(0, count * sampleSize(d)) };
  return makeDataset(`${d.name}[:${count}]`, images, d.labels.subarray(0, count), d.classNames);
}

/** Pixel byte -> model input: x / 255. */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Write samples order[start .. start+count) into x (count * pixels floats) and y (count labels).
 * The buffers are reused across batches; returns the views of the filled part.
 */
export function fillBatch(
  d: Dataset,
  order: ArrayLike<number>,
  start: number,
  count: number,
  x: Float32Array,
  y: BigInt64Array,
): { x: Float32Array; y: BigInt64Array } {
  const size = sampleSize(d);
  const pixels = d.images.pixels;
  for (let i = 0; i < count; i++) {
    const sample = order[start + i];
    const src = sample * size;
    const dst = i * size;
    for (let j = 0; j < size; j++) x[dst + j] = SCALE[pixels[src + j]];
    y[i] = BigInt(d.labels[sample]);
  }
  return { x: x.subarray(0, count * size), y: y.subarray(0, count) };
}
