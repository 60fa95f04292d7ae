// IDX files (MNIST's format): big-endian header, then unsigned bytes. Gzipped or not.
import { gunzipSync } from 'node:zlib';

export const IDX_IMAGES_MAGIC = 0x00000803; // ubyte, 3 dims: count, rows, cols
export const IDX_LABELS_MAGIC = 0x00000801; // ubyte, 1 dim: count
const GZIP_MAGIC = [0x1f, 0x8b];
/** Refuse to inflate more than this (MNIST's largest file is 47 MB unpacked). */
export const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

/** A malformed or unexpected data file; the message names the file and what was wrong. */
export class DataError extends Error {}

export interface ImageSet {
  count: number;
  rows: number;
  cols: number;
  /** count * rows * cols bytes, 0 = background, 255 = ink. */
  pixels: Uint8Array;
}

export function maybeGunzip(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      return new Uint8Array(gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES }));
    } catch (e) {
      throw new DataError(`${what}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  return bytes;
}

function header(bytes: Uint8Array, what: string, magic: number, dims: number): number[] {
  const need = 4 + 4 * dims;
  if (bytes.length < 4) throw new DataError(`${what}: file too short for an IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    const hint =
      found === IDX_LABELS_MAGIC ? ' (is this a labels file?)' : found === IDX_IMAGES_MAGIC ? ' (is this an images file?)' : '';
    throw new DataError(`${what}: expected IDX magic ${magic}, found ${found}${hint}`);
  }
  if (bytes.length < need) throw new DataError(`${what}: file too short for an IDX header (${bytes.length} bytes)`);
  return Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
}

function body(bytes: Uint8Array, what: string, offset: number, expected: number): Uint8Array {
  const actual = bytes.length - offset;
  if (actual !== expected) {
    throw new DataError(`${what}: header promises ${expected} data bytes, file has ${actual}`);
  }
  return bytes.subarray(offset);
}

export function parseImages(raw: Uint8Array, what = 'images'): ImageSet {
  const bytes = maybeGunzip(raw, what);
  const [count, rows, cols] = header(bytes, what, IDX_IMAGES_MAGIC, 3);
  return { count, rows, cols, pixels: body(bytes, what, 16, count * rows * cols) };
}

export function parseLabels(raw: Uint8Array, what = 'labels', classes = 10): Uint8Array {
  const bytes = maybeGunzip(raw, what);
  const [count] = header(bytes, what, IDX_LABELS_MAGIC, 1);
  const labels = body(bytes, what, 8, count);
  const bad = labels.findIndex((l) => l >= classes);
  if (bad >= 0) throw new DataError(`${what}: label ${labels[bad]} at index ${bad} is outside 0-${classes - 1}`);
  return labels;
}
