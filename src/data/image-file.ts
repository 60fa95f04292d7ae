// Reading a picture file (PNG, JPEG, WebP, GIF, TIFF...) as 8-bit grayscale, with sharp.
// Transparent areas count as white paper.
import sharp from 'sharp';
import type { GrayImage } from './gray-image';
import { DataError } from './idx-file';

export async function readGrayImage(path: string): Promise<GrayImage> {
  try {
    const { data, info } = await sharp(path)
      .flatten({ background: '#ffffff' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height) };
  } catch (e) {
    const msg = (e as Error).message;
    if (/no such file|ENOENT|missing/i.test(msg)) throw new DataError(`${path}: no such file`);
    throw new DataError(`${path}: not an image that can be read (${msg.split('\n')[0]})`);
  }
}
