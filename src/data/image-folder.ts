// A dataset from a folder of pictures sorted into one sub-folder per class (folder name = class
// name, classes in sorted order), as image tools commonly lay them out. Each picture is decoded
// with sharp, made grayscale (transparency as white paper), resized to the model's input and
// optionally inverted (dark ink on light paper -> MNIST's light ink on black). A held-out part of
// each class, chosen by a seeded shuffle, can be split off for validation.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { Dataset, makeDataset } from './dataset';
import { DataError } from './idx-file';
import { PICTURE_EXTENSIONS } from './picture-files';
import { epochOrder } from './shuffle';

export interface ImageFolderOptions {
  rows: number;
  cols: number;
  /** 255 - value after decoding: for dark ink on light paper, to match MNIST's convention. */
  invert?: boolean;
}

function entries(dir: string): string[] {
  try {
    if (!statSync(dir).isDirectory()) throw new DataError(`${dir}: not a folder (an image folder holds one sub-folder per class)`);
    return readdirSync(dir).sort();
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${dir}: no such folder`);
  }
}

async function decode(path: string, o: ImageFolderOptions): Promise<Uint8Array> {
  try {
    const data = await sharp(path).flatten({ background: '#ffffff' }).greyscale().resize(o.cols, o.rows, { fit: 'fill' }).raw().toBuffer();
    const pixels = new Uint8Array(data.buffer, data.byteOffset, o.rows * o.cols);
    return o.invert ? pixels.map((v) => 255 - v) : pixels;
  } catch (e) {
    throw new DataError(`${path}: not an image that can be read (${(e as Error).message.split('\n')[0]})`);
  }
}

export async function loadImageFolder(dir: string, o: ImageFolderOptions): Promise<Dataset> {
  const classes = entries(dir).filter((name) => statSync(join(dir, name)).isDirectory());
  if (classes.length < 2) {
    throw new DataError(`${dir}: ${classes.length ? 'only one class folder' : 'no class folders'}; an image folder holds one sub-folder of pictures per class (at least two)`);
  }
  const files: { path: string; label: number }[] = [];
  classes.forEach((name, label) => {
    const pictures = entries(join(dir, name)).filter((f) => PICTURE_EXTENSIONS.has(extname(f).toLowerCase()));
    if (!pictures.length) throw new DataError(`${join(dir, name)}: class '${name}' has no pictures (${[...PICTURE_EXTENSIONS].join(', ')})`);
    for (const f of pictures) files.push({ path: join(dir, name, f), label });
  });
  const size = o.rows * o.cols;
  const pixels = new Uint8Array(files.length * size);
  const labels = new Uint8Array(files.length);
  const CONCURRENT = 16;
  for (let start = 0; start < files.length; start += CONCURRENT) {
    const chunk = files.slice(start, start + CONCURRENT);
    const decoded = await Promise.allSettled(chunk.map((f) => decode(f.path, o)));
    decoded.forEach((d, i) => {
      if (d.status === 'rejected') throw d.reason; // the first unreadable picture in folder order
      pixels.set(d.value, (start + i) * size);
      labels[start + i] = chunk[i].label;
    });
  }
  return makeDataset(dir, { count: files.length, rows: o.rows, cols: o.cols, pixels }, labels, classes);
}

/** Selects samples `indices` of d (copied, in that order). */
function subset(d: Dataset, indices: number[], name: string): Dataset {
  const size = d.images.rows * d.images.cols;
  const pixels = new Uint8Array(indices.length * size);
  indices.forEach((s, i) => pixels.set(d.images.pixels.subarray(s * size, (s + 1) * size), i * size));
  return makeDataset(name, { ...d.images, count: indices.length, pixels }, Uint8Array.from(indices, (s) => d.labels[s]), d.classNames);
}

/**
 * Holds out `fraction` of each class (at least one sample of a class with two or more), picked by
 * a shuffle seeded with `seed`; returns the rest for training and the held-out part.
 */
export function splitValidation(d: Dataset, fraction: number, seed: number): { train: Dataset; validation: Dataset } {
  if (!(fraction > 0 && fraction < 1)) throw new DataError(`the validation fraction must be between 0 and 1, got ${fraction}`);
  const order = epochOrder(d.images.count, seed, 0);
  const byClass = new Map<number, number[]>();
  for (const s of order) {
    const samples = byClass.get(d.labels[s]) ?? [];
    samples.push(s);
    byClass.set(d.labels[s], samples);
  }
  const train: number[] = [];
  const held: number[] = [];
  for (const samples of byClass.values()) {
    const n = samples.length < 2 ? 0 : Math.max(1, Math.round(samples.length * fraction));
    held.push(...samples.slice(0, n));
    train.push(...samples.slice(n));
  }
  const sorted = (a: number[]) => a.sort((p, q) => p - q);
  return { train: subset(d, sorted(train), `${d.name} (training part)`), validation: subset(d, sorted(held), `${d.name} (held out)`) };
}
