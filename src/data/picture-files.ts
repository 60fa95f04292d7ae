// The pictures a `predict` run names: files as given, folders expanded to the pictures in them
// (sorted, not recursive), and --list files naming one path per line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DataError } from './idx-file';

export const PICTURE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp']);

function expand(path: string): string[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path]; // reading it later names the missing file
  }
  if (!isDir) return [path];
  const pictures = readdirSync(path)
    .filter((f) => PICTURE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(path, f));
  if (!pictures.length) throw new DataError(`${path}: a folder with no pictures (${[...PICTURE_EXTENSIONS].join(', ')})`);
  return pictures;
}

/** Every picture to classify, in order: the paths given, then those in the --list file. */
export function pictureFiles(paths: readonly string[], listFile?: string): string[] {
  const listed: string[] = [];
  if (listFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(listFile, 'utf8');
    } catch (e) {
      throw new DataError(`${listFile}: cannot read the list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    listed.push(...text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
    if (!listed.length) throw new DataError(`${listFile}: the list names no pictures`);
  }
  return [...paths, ...listed].flatMap(expand);
}
