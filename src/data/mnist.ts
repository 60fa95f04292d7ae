// Where MNIST comes from: --data-dir, then $MNIST_DIR, then ./data/mnist; when none has the
// files, they are downloaded from public mirrors ($MNIST_MIRRORS overrides the list) into
// --data-dir (or ./data/mnist) and verified.
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Dataset, makeDataset } from './dataset';
import { downloadFromMirrors, ProgressCallback } from './download';
import { DataError, parseImages, parseLabels } from './idx';

/** SHA-256 of the original MNIST .gz files (as published with the dataset). */
export const MNIST_FILES = {
  trainImages: { file: 'train-images-idx3-ubyte.gz', sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
  trainLabels: { file: 'train-labels-idx1-ubyte.gz', sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
  testImages: { file: 't10k-images-idx3-ubyte.gz', sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
  testLabels: { file: 't10k-labels-idx1-ubyte.gz', sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
} as const;
type FileKey = keyof typeof MNIST_FILES;

export const DEFAULT_MIRRORS = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
  'https://yann.lecun.com/exdb/mnist/',
];
/** The project's own data folder (where `train` downloads to). */
export const DEFAULT_DATA_DIR = resolve(__dirname, '../../data/mnist');

/** The mirrors to try: `$MNIST_MIRRORS` (comma-separated base URLs) when set, else the public ones. */
export function mnistMirrors(env: string | undefined): readonly string[] {
  const given = env?.split(',').map((m) => m.trim()).filter(Boolean);
  return given?.length ? given : DEFAULT_MIRRORS;
}

export interface MnistLocation {
  /** Directory given with --data-dir. */
  dataDir?: string;
  /** Defaults to process.env.MNIST_DIR. */
  envDir?: string;
  /** The last place looked, and where downloads go without dataDir; defaults to DEFAULT_DATA_DIR. */
  defaultDir?: string;
  /** Defaults to mnistMirrors($MNIST_MIRRORS). */
  mirrors?: readonly string[];
  onDownload?: (file: string) => ProgressCallback | undefined;
  onLog?: (line: string) => void;
}

/** The file to read for `key` in `dir`: the .gz, or an unpacked copy next to it. */
function fileIn(dir: string, key: FileKey): string | undefined {
  const gz = join(dir, MNIST_FILES[key].file);
  const raw = gz.replace(/\.gz$/, '');
  for (const p of [gz, raw]) {
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) throw new DataError(`${p}: is a directory, not an IDX file`);
    return p;
  }
  return undefined;
}

const hasAll = (dir: string) => (Object.keys(MNIST_FILES) as FileKey[]).every((k) => fileIn(dir, k));

/** The directory holding MNIST, downloading it first when no candidate has it. */
export async function locateMnist(loc: MnistLocation = {}): Promise<string> {
  const envDir = loc.envDir ?? process.env.MNIST_DIR;
  const candidates = [loc.dataDir, envDir, loc.defaultDir ?? DEFAULT_DATA_DIR].filter((d): d is string => !!d).map((d) => resolve(d));
  const found = candidates.find(hasAll);
  if (found) return found;
  const target = resolve(loc.dataDir ?? loc.defaultDir ?? DEFAULT_DATA_DIR);
  const created = firstMissingFolder(target);
  for (const key of Object.keys(MNIST_FILES) as FileKey[]) {
    if (fileIn(target, key)) continue;
    const { file, sha256 } = MNIST_FILES[key];
    try {
      await downloadFromMirrors(loc.mirrors ?? mnistMirrors(process.env.MNIST_MIRRORS), file, join(target, file), sha256, {
        onAttempt: (url) => loc.onLog?.(`downloading ${url} into ${target}`),
        onProgress: loc.onDownload?.(file),
      });
    } catch (e) {
      if (created) removeEmptyFolders(target, created);
      throw new DataError(
        `${(e as Error).message}\nMNIST was not found in ${candidates.join(', ')}; ` +
          'point --data-dir or $MNIST_DIR at a folder that has the four files (or $MNIST_MIRRORS at a mirror).',
      );
    }
  }
  return target;
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

export function loadSplit(dir: string, split: 'train' | 'test'): Dataset {
  const [imagesKey, labelsKey]: FileKey[] = split === 'train' ? ['trainImages', 'trainLabels'] : ['testImages', 'testLabels'];
  const imagesPath = fileIn(dir, imagesKey);
  const labelsPath = fileIn(dir, labelsKey);
  if (!imagesPath || !labelsPath) {
    throw new DataError(`${dir}: missing ${MNIST_FILES[imagesPath ? labelsKey : imagesKey].file}`);
  }
  const images = parseImages(readFile(imagesPath), imagesPath);
  const labels = parseLabels(readFile(labelsPath), labelsPath);
  return makeDataset(`mnist-${split}`, images, labels);
}
