// Where an IDX dataset (MNIST, Fashion-MNIST) comes from: --data-dir, then its environment variable
// ($MNIST_DIR, $FASHION_MNIST_DIR), then ./data/<name>; when none has the files, they are
// downloaded from public mirrors ($MNIST_MIRRORS ... overrides the list) into --data-dir (or
// ./data/<name>) and verified. Loading a split checks the files' checksums: a folder holding
// another known dataset's files (MNIST and Fashion-MNIST share file names) is refused.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATASETS, IdxDataset, IdxFileKey, MNIST, recognise } from './dataset-catalog';
import { Dataset, makeDataset } from './dataset';
import { downloadFromMirrors, ProgressCallback } from './download';
import { DataError, maybeGunzip, parseImages, parseLabels } from './idx-file';
import { defaultsRoot } from '../io/package-root';

/** MNIST's files with the SHA-256 of the .gz files its mirrors serve. */
export const MNIST_FILES = Object.fromEntries(
  (Object.keys(MNIST.files) as IdxFileKey[]).map((k) => [k, { file: MNIST.files[k].file, sha256: MNIST.files[k].gzSha256! }]),
) as Record<IdxFileKey, { file: string; sha256: string }>;

export const DEFAULT_MIRRORS = MNIST.mirrors;
/** The project's own data folder for a dataset (where `train` downloads to). */
export const defaultDataDir = (d: IdxDataset) => resolve(defaultsRoot(), 'data', d.name);

/** The mirrors to try: the dataset's `$..._MIRRORS` (comma-separated base URLs) when set, else its public ones. */
export function mirrorsOf(env: string | undefined, fallback: readonly string[]): readonly string[] {
  const given = env?.split(',').map((m) => m.trim()).filter(Boolean);
  return given?.length ? given : fallback;
}
export const mnistMirrors = (env: string | undefined) => mirrorsOf(env, DEFAULT_MIRRORS);

export interface DataLocation {
  /** Directory given with --data-dir. */
  dataDir?: string;
  /** Defaults to the dataset's environment variable ($MNIST_DIR, ...). */
  envDir?: string;
  /** The last place looked, and where downloads go without dataDir; defaults to ./data/<name>. */
  defaultDir?: string;
  /** Defaults to the dataset's mirrors ($MNIST_MIRRORS, ... overriding them). */
  mirrors?: readonly string[];
  onDownload?: (file: string) => ProgressCallback | undefined;
  onLog?: (line: string) => void;
}

/** The file to read for `key` in `dir`: the .gz, or an unpacked copy next to it. */
function fileIn(dir: string, d: IdxDataset, key: IdxFileKey): string | undefined {
  const gz = join(dir, d.files[key].file);
  const raw = gz.replace(/\.gz$/, '');
  for (const p of [gz, raw]) {
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) throw new DataError(`${p}: is a directory, not an IDX file`);
    return p;
  }
  return undefined;
}

const keysOf = (d: IdxDataset) => Object.keys(d.files) as IdxFileKey[];
const hasAll = (dir: string, d: IdxDataset) => keysOf(d).every((k) => fileIn(dir, d, k));

/** The directory holding dataset `d`, downloading it first when no candidate has it. */
export async function locateDataset(d: IdxDataset, loc: DataLocation = {}): Promise<string> {
  const envDir = loc.envDir ?? process.env[d.dirEnv];
  const home = loc.defaultDir ?? defaultDataDir(d);
  const candidates = [loc.dataDir, envDir, home].filter((p): p is string => !!p).map((p) => resolve(p));
  const found = candidates.find((dir) => hasAll(dir, d));
  if (found) return found;
  const target = resolve(loc.dataDir ?? home);
  const created = firstMissingFolder(target);
  for (const key of keysOf(d)) {
    if (fileIn(target, d, key)) continue;
    const { file, sha256, gzSha256 } = d.files[key];
    try {
      await downloadFromMirrors(loc.mirrors ?? mirrorsOf(process.env[d.mirrorsEnv], d.mirrors), file, join(target, file), gzSha256 ? { sha256: gzSha256 } : { unpackedSha256: sha256 }, {
        onAttempt: (url) => loc.onLog?.(`downloading ${url} into ${target}`),
        onProgress: loc.onDownload?.(file),
      });
    } catch (e) {
      if (created) removeEmptyFolders(target, created);
      throw new DataError(
        `${(e as Error).message}\n${d.title} was not found in ${candidates.join(', ')}; ` +
          `point --data-dir or $${d.dirEnv} at a folder that has the four files (or $${d.mirrorsEnv} at a mirror).`,
      );
    }
  }
  return target;
}

export const locateMnist = (loc: DataLocation = {}) => locateDataset(MNIST, loc);

/** The dataset named `name` (a --dataset choice). */
export function datasetNamed(name: string | undefined): IdxDataset {
  const d = DATASETS[name ?? 'mnist'];
  if (!d) throw new DataError(`unknown dataset '${name}' (known: ${Object.keys(DATASETS).join(', ')})`);
  return d;
}

/** Why a model with this input sample shape and class count cannot take dataset `d`, if it cannot. */
export function shapeMismatch(d: IdxDataset, model: { name: string; sampleDims: readonly number[]; classes: number }): string | undefined {
  if (model.sampleDims.join('x') !== d.sampleDims.join('x')) {
    return `${model.name} takes samples of ${model.sampleDims.join('x')}, but ${d.title}'s are ${d.sampleDims.join('x')}`;
  }
  if (model.classes !== d.classes.length) return `${model.name} has ${model.classes} classes, but ${d.title} has ${d.classes.length}`;
  return undefined;
}

/** The outermost folder of `dir` that does not exist yet (what a download would create), if any. */
function firstMissingFolder(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = dir; !existsSync(d); d = resolve(d, '..')) missing = d;
  return missing;
}

/** Remove `dir` and its parents up to `top` while they are empty (a failed download leaves no litter). */
function removeEmptyFolders(dir: string, top: string): void {
  for (let d = dir; existsSync(d) && readdirSync(d).length === 0; d = resolve(d, '..')) {
    rmdirSync(d);
    if (d === top) break;
  }
}

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** An unpacked IDX file of dataset `d`, refused when its checksum says it belongs to another known dataset. */
function readIdx(path: string, d: IdxDataset, key: IdxFileKey, dir: string): Uint8Array {
  const raw = maybeGunzip(readFile(path), path);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  if (d.files[key].sha256 === sha256) return raw;
  const other = recognise(sha256);
  if (other && other.dataset !== d) {
    const flag = Object.keys(DATASETS).find((n) => DATASETS[n] === other.dataset);
    throw new DataError(`${dir} holds ${other.dataset.title}, not ${d.title} (${d.files[key].file} has ${other.dataset.title}'s checksum): pass --dataset ${flag}, or point --data-dir at ${d.title}`);
  }
  return raw; // files of no known dataset (a user's own IDX data) are taken as they are
}

/** The train or test split of dataset `d` (default MNIST) from `dir`. */
export function loadSplit(dir: string, split: 'train' | 'test', d: IdxDataset = MNIST): Dataset {
  const [imagesKey, labelsKey]: IdxFileKey[] = split === 'train' ? ['trainImages', 'trainLabels'] : ['testImages', 'testLabels'];
  const imagesPath = fileIn(dir, d, imagesKey);
  const labelsPath = fileIn(dir, d, labelsKey);
  if (!imagesPath || !labelsPath) {
    throw new DataError(`${dir}: missing ${d.files[imagesPath ? labelsKey : imagesKey].file}`);
  }
  const images = parseImages(readIdx(imagesPath, d, imagesKey, dir), imagesPath);
  const labels = parseLabels(readIdx(labelsPath, d, labelsKey, dir), labelsPath, d.classes.length);
  return makeDataset(`${d.name}-${split}`, images, labels, d.classes);
}
