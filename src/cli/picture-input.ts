// One picture as the input of a model trained on pictures (not MNIST's digit convention): decoded
// to its channels and stretched to its size as image folders are, then its pixel normalization.
import { decodePicture } from '../data/image-folder';
import { fillBatch, makeDataset } from '../data/dataset';
import type { ClassifierIo } from '../inference/load-classifier';
import { UsageError } from './errors';

export async function pictureInput(file: string, model: ClassifierIo): Promise<Float32Array> {
  const dims = model.sampleDims ?? [];
  const [channels, rows, cols] = dims.length === 3 ? dims : dims.length === 2 ? [1, ...dims] : [1, Math.sqrt(dims[0]), Math.sqrt(dims[0])];
  if ((channels !== 1 && channels !== 3) || !Number.isInteger(rows) || !Number.isInteger(cols)) {
    throw new UsageError(`${model.path} takes [${dims}] samples; pictures can be fed as [1, rows, cols] (grayscale) or [3, rows, cols] (RGB)`);
  }
  const { pixels } = await decodePicture(file, { channels, rows, cols });
  const picture = makeDataset(file, { count: 1, rows, cols, channels, pixels }, new Uint8Array(1));
  return fillBatch(picture, [0], 0, 1, new Float32Array(pixels.length), new BigInt64Array(1), model.pixels).x;
}
