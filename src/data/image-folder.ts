// A dataset from a folder of pictures sorted into one sub-folder per class (folder name = class
// name, classes in sorted order), as image tools commonly lay them out. Each picture is decoded
// with sharp to the model's channels (grayscale or RGB; transparency laid on white paper), resized
// to its input by stretching (aspect not kept; sharp's Lanczos-3 kernel by default) and optionally
// inverted (dark ink on light paper -> MNIST's light ink on black).
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { Dataset, makeDataset } from './dataset';
import { DataError } from './idx-file';
import { PICTURE_EXTENSIONS } from './picture-files';

export interface ImageFolderOptions {
  rows: number;
  cols: number;
  /** 1 (grayscale, default) or 3 (RGB, stored as three planes). */
  channels?: 1 | 3;
  /** 255 - value after decoding: for dark ink on light paper, to match MNIST's convention. */
  invert?: boolean;
  /** 'nearest' picks the source pixel under each output pixel's centre (as Pillow's NEAREST) instead of sharp's Lanczos-3 filtering. */
  resize?: 'lanczos3' | 'nearest';
  /** One line when some pictures had transparency (laid on white). */
  onWarning?: (line: string) => void;
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

/** Interleaved pixels (r g b r g b ...) as planes (r r ... g g ... b b ...). */
function planes(interleaved: Uint8Array, channels: number): Uint8Array {
  if (channels === 1) return interleaved;
  const size = interleaved.length / channels;
  const out = new Uint8Array(interleaved.length);
  for (let c = 0; c < channels; c++) for (let i = 0; i < size; i++) out[c * size + i] = interleaved[i * channels + c];
  return out;
}

/**
 * Nearest-neighbour resize of interleaved pixels, each output pixel's centre mapped into the source:
 * source x = floor((x + 0.5) * width / outWidth), as Pillow's NEAREST and torchvision's 'nearest-exact'.
 */
function nearestResize(src: Uint8Array, width: number, height: number, channels: number, outWidth: number, outHeight: number): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight * channels);
  for (let y = 0; y < outHeight; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / outHeight));
    for (let x = 0; x < outWidth; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / outWidth));
      for (let c = 0; c < channels; c++) out[(y * outWidth + x) * channels + c] = src[(sy * width + sx) * channels + c];
    }
  }
  return out;
}

/** One picture decoded to `o.channels` planes of o.rows x o.cols bytes; `transparent` when it had an alpha channel. */
export async function decodePicture(path: string, o: ImageFolderOptions): Promise<{ pixels: Uint8Array; transparent: boolean }> {
  const channels = o.channels ?? 1;
  try {
    const image = sharp(path);
    const { hasAlpha } = await image.metadata();
    const flat = image.flatten({ background: '#ffffff' });
    const coloured = channels === 1 ? flat.greyscale() : flat.toColourspace('srgb');
    const nearest = o.resize === 'nearest';
    const { data, info } = await (nearest ? coloured : coloured.resize(o.cols, o.rows, { fit: 'fill', kernel: 'lanczos3' })).raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new Error(`decoded to ${info.channels} channels, not ${channels}`);
    const decoded = new Uint8Array(data.buffer, data.byteOffset, info.width * info.height * channels);
    const sized = nearest ? nearestResize(decoded, info.width, info.height, channels, o.cols, o.rows) : decoded;
    const pixels = planes(sized, channels);
    return { pixels: o.invert ? pixels.map((v) => 255 - v) : pixels, transparent: !!hasAlpha };
  } catch (e) {
    throw new DataError(`${path}: not an image that can be read (${(e as Error).message.split('\n')[0]})`);
  }
}

/** The class names of an image folder: its sub-folders, sorted (at least two). */
export function classFolders(dir: string): string[] {
  const classes = entries(dir).filter((name) => statSync(join(dir, name)).isDirectory());
  if (classes.length < 2) {
    throw new DataError(`${dir}: ${classes.length ? 'only one class folder' : 'no class folders'}; an image folder holds one sub-folder of pictures per class (at least two)`);
  }
  return classes;
}

export async function loadImageFolder(dir: string, o: ImageFolderOptions): Promise<Dataset> {
  const classes = classFolders(dir);
  const files: { path: string; label: number }[] = [];
  classes.forEach((name, label) => {
    const pictures = entries(join(dir, name)).filter((f) => PICTURE_EXTENSIONS.has(extname(f).toLowerCase()));
    if (!pictures.length) throw new DataError(`${join(dir, name)}: class '${name}' has no pictures (${[...PICTURE_EXTENSIONS].join(', ')})`);
    for (const f of pictures) files.push({ path: join(dir, name, f), label });
  });
  const channels = o.channels ?? 1;
  const size = channels * o.rows * o.cols;
  const pixels = new Uint8Array(files.length * size);
  const labels = new Uint8Array(files.length);
  let transparent = 0;
  const CONCURRENT = 16;
  for (let start = 0; start < files.length; start += CONCURRENT) {
    const chunk = files.slice(start, start + CONCURRENT);
    const decoded = await Promise.allSettled(chunk.map((f) => decodePicture(f.path, o)));
    decoded.forEach((d, i) => {
      if (d.status === 'rejected') throw d.reason; // the first unreadable picture in folder order
      pixels.set(d.value.pixels, (start + i) * size);
      if (d.value.transparent) transparent++;
      labels[start + i] = chunk[i].label;
    });
  }
  if (transparent) o.onWarning?.(`${dir}: ${transparent} of ${files.length} pictures have transparency (an alpha channel); it was dropped, laying them on white`);
  const images = { count: files.length, rows: o.rows, cols: o.cols, ...(channels > 1 ? { channels } : {}), pixels };
  return makeDataset(dir, images, labels, classes);
}
