// IDX files (MNIST's format), unpacked: big-endian header, then unsigned bytes. No Node modules:
// the browser's training worker parses the demo server's data with it too.

export const IDX_IMAGES_MAGIC = 0x00000803; // ubyte, 3 dims: count, rows, cols
export const IDX_LABELS_MAGIC = 0x00000801; // ubyte, 1 dim: count

/** A malformed or unexpected data file; the message names the file and what was wrong. */
export class DataError extends Error {}

export interface ImageSet {
  count: number;
  rows: number;
  cols: number;
  /** Colour channels (absent: 1, grayscale; 3: red, green, blue). */
  channels?: number;
  /**
   * count * channels * rows * cols bytes, image by image, each one channel plane after the other
   * (ONNX's NCHW order); grayscale: 0 = background, 255 = ink.
   */
  pixels: Uint8Array;
  /**
   * Samples given as model input values instead of pixels (count * channels * rows * cols floats),
   * fed as they are: e.g. a frozen backbone's features, computed once (pixels is then empty).
   */
  values?: Float32Array;
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

export function parseUnpackedImages(bytes: Uint8Array, what = 'images'): ImageSet {
  const [count, rows, cols] = header(bytes, what, IDX_IMAGES_MAGIC, 3);
  return { count, rows, cols, pixels: body(bytes, what, 16, count * rows * cols) };
}

export function parseUnpackedLabels(bytes: Uint8Array, what = 'labels', classes = 10): Uint8Array {
  const [count] = header(bytes, what, IDX_LABELS_MAGIC, 1);
  const labels = body(bytes, what, 8, count);
  const bad = labels.findIndex((l) => l >= classes);
  if (bad >= 0) throw new DataError(`${what}: label ${labels[bad]} at index ${bad} is outside 0-${classes - 1}`);
  return labels;
}

/** The IDX bytes of an image set (unpacked), as parseUnpackedImages reads them. */
export function formatImages(images: ImageSet): Uint8Array {
  const out = new Uint8Array(16 + images.pixels.length);
  const view = new DataView(out.buffer);
  [IDX_IMAGES_MAGIC, images.count, images.rows, images.cols].forEach((v, i) => view.setUint32(4 * i, v, false));
  out.set(images.pixels, 16);
  return out;
}

/** The IDX bytes of a label list (unpacked), as parseUnpackedLabels reads them. */
export function formatLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, IDX_LABELS_MAGIC, false);
  view.setUint32(4, labels.length, false);
  out.set(labels, 8);
  return out;
}
