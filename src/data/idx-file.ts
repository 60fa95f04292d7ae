// IDX files (MNIST's format) as they come from disk or a download: gzipped or not.
import { gunzipSync } from 'node:zlib';
import { DataError, ImageSet, parseUnpackedImages, parseUnpackedLabels } from './idx-bytes';

export { DataError, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx-bytes';
export type { ImageSet } from './idx-bytes';

const GZIP_MAGIC = [0x1f, 0x8b];
/** Refuse to inflate more than this (MNIST's largest file is 47 MB unpacked). */
export const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

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

export const parseImages = (raw: Uint8Array, what = 'images'): ImageSet => parseUnpackedImages(maybeGunzip(raw, what), what);

export const parseLabels = (raw: Uint8Array, what = 'labels', classes = 10): Uint8Array =>
  parseUnpackedLabels(maybeGunzip(raw, what), what, classes);
