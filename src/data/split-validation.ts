// A held-out part of each class, chosen by a seeded shuffle, split off a dataset for validation.
// No Node modules: the browser page splits the user's pictures with it too.
import { Dataset, makeDataset, sampleSize, targetsPerSample } from './dataset';
import { DataError } from './idx-bytes';
import { epochOrder } from './shuffle';

/** Selects samples `indices` of d (copied, in that order). */
function subset(d: Dataset, indices: number[], name: string): Dataset {
  const size = sampleSize(d);
  const pick = <T extends Uint8Array | Float32Array>(from: T, to: T): T => {
    indices.forEach((s, i) => to.set(from.subarray(s * size, (s + 1) * size), i * size));
    return to;
  };
  const { values } = d.images;
  const images = values
    ? { ...d.images, count: indices.length, values: pick(values, new Float32Array(indices.length * size)) }
    : { ...d.images, count: indices.length, pixels: pick(d.images.pixels, new Uint8Array(indices.length * size)) };
  const k = targetsPerSample(d);
  const targets = d.targets && new Float32Array(indices.length * k);
  if (d.targets) indices.forEach((s, i) => targets!.set(d.targets!.subarray(s * k, (s + 1) * k), i * k));
  return makeDataset(name, images, Uint8Array.from(indices, (s) => d.labels[s]), d.classNames, targets);
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
