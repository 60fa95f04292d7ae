// A folder of MNIST digits as PNG files, one sub-folder per class: the layout image tools use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Dataset } from '../../src/data/dataset';

export const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export const pngOf = (pixels: Uint8Array, size: number) => sharp(Buffer.from(pixels), { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();

/** `perClass` of the first images of each of `labels` (default all ten) from `mnist`, as <root>/<name>/<index>.png. */
export async function writeDigitFolder(root: string, mnist: Dataset, perClass: number, labels = DIGIT_NAMES.map((_, i) => i)): Promise<void> {
  for (const l of labels) mkdirSync(join(root, DIGIT_NAMES[l]), { recursive: true });
  const taken = new Array<number>(10).fill(0);
  for (let s = 0; labels.some((l) => taken[l] < perClass); s++) {
    const label = mnist.labels[s];
    if (!labels.includes(label) || taken[label]++ >= perClass) continue;
    writeFileSync(join(root, DIGIT_NAMES[label], `${String(s).padStart(5, '0')}.png`), await pngOf(mnist.images.pixels.subarray(s * 784, (s + 1) * 784), 28));
  }
}
