// How a picture's 8-bit channel values become a model's input: value / 255 (or the raw value), then
// minus a mean and over a standard deviation per channel, as torchvision's Normalize. MNIST's
// convention (value / 255, nothing else) is the default. Recorded in an exported model's metadata
// (pixel_range, pixel_mean, pixel_std) so that evaluate and predict feed the model the same way.
import { DataError } from './idx-bytes';

export interface PixelNormalization {
  /** What a full-intensity channel (255) becomes before the mean and std: 1 (value / 255) or 255 (the raw value). */
  range: 1 | 255;
  /** Subtracted from each channel (one entry, or one per channel). */
  mean: number[];
  /** Divides each channel after the mean (one entry, or one per channel). */
  std: number[];
}

export const MNIST_PIXELS: PixelNormalization = { range: 1, mean: [0], std: [1] };

/** torchvision's ImageNet statistics, which most pretrained RGB backbones expect. */
export const IMAGENET_PIXELS: PixelNormalization = { range: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

const perChannel = (values: number[], channels: number, what: string): number[] => {
  if (values.length === 1) return new Array<number>(channels).fill(values[0]);
  if (values.length !== channels) throw new DataError(`the pixel ${what} has ${values.length} values; the model's input has ${channels} channels`);
  return values;
};

/** Refuses a normalization that cannot apply to `channels` channels (wrong counts, a zero or negative std). */
export function checkPixelNormalization(p: PixelNormalization, channels: number): void {
  if (p.range !== 1 && p.range !== 255) throw new DataError(`the pixel range must be 0-1 or 0-255, got 0-${p.range}`);
  perChannel(p.mean, channels, 'mean');
  perChannel(p.std, channels, 'std');
  if (p.mean.some((m) => !Number.isFinite(m))) throw new DataError(`the pixel mean must be finite numbers, got ${p.mean}`);
  if (p.std.some((s) => !(s > 0) || !Number.isFinite(s))) throw new DataError(`the pixel std must be positive numbers, got ${p.std}`);
}

/** Tables already made, by their normalization's values: a batch of one image (an app's latency) no longer pays for them. */
const madeTables = new Map<string, readonly Float32Array[]>();

/** One table per channel: the model input for each byte value 0-255 (shared: read, never written). */
export function pixelTables(p: PixelNormalization, channels: number): readonly Float32Array[] {
  const key = `${p.range}|${p.mean}|${p.std}|${channels}`;
  const made = madeTables.get(key);
  if (made) return made;
  const mean = perChannel(p.mean, channels, 'mean');
  const std = perChannel(p.std, channels, 'std');
  const tables = mean.map((m, c) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = ((v / 255) * p.range - m) / std[c];
    return table;
  });
  if (madeTables.size >= 64) madeTables.clear();
  madeTables.set(key, tables);
  return tables;
}

/** "pixels / 255", "(pixels / 255 - mean [0.485,0.456,0.406]) / std [0.229,0.224,0.225]". */
export function describePixels(p: PixelNormalization): string {
  const scaled = p.range === 1 ? 'pixels / 255' : 'pixels (0-255)';
  const plain = p.mean.every((m) => m === 0) && p.std.every((s) => s === 1);
  return plain ? scaled : `(${scaled} - mean [${p.mean}]) / std [${p.std}]`;
}

/** The model-metadata entries that record it. */
export function pixelMetadata(p: PixelNormalization): Record<string, string> {
  return { pixel_range: `0-${p.range}`, pixel_mean: p.mean.join(','), pixel_std: p.std.join(',') };
}

/** The normalization a model's metadata records, or undefined when it records none (or a malformed one). */
export function pixelsFromMetadata(metadata: Readonly<Record<string, string>>): PixelNormalization | undefined {
  const { pixel_range: range, pixel_mean: mean, pixel_std: std } = metadata;
  if (range === undefined || mean === undefined || std === undefined) return undefined;
  const numbers = (s: string) => s.split(',').map(Number);
  const p = { range: range === '0-255' ? 255 : range === '0-1' ? 1 : NaN, mean: numbers(mean), std: numbers(std) } as PixelNormalization;
  try {
    checkPixelNormalization(p, Math.max(p.mean.length, p.std.length));
    return p;
  } catch {
    return undefined;
  }
}
