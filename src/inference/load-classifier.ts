// Before scoring a model file: is it an image classifier of the expected shape? Clear errors
// that name the file, instead of ONNX Runtime's messages from deep inside a run.
import { readFileSync, statSync } from 'node:fs';
import { PixelNormalization, pixelsFromMetadata } from '../data/pixel-normalization';
import { externalDataBeside } from '../io/external-data';
import { checkedModelFile } from '../onnx/checked-model-file';
import { OnnxDecodeError, readSignature } from '../onnx/decode';

import { ModelFileError } from './model-file-error';

export { ModelFileError } from './model-file-error';

const FLOAT = 1;

export interface ClassifierIo {
  path: string;
  bytes: Uint8Array;
  input: string;
  output: string;
  /** Scores per image the model must give. */
  classes: number;
  /** One image's shape as the model takes it (default [1, rows, cols]); e.g. [784] for a model that takes the pixels in a row. */
  sampleDims?: number[];
  /** How pictures' bytes become its input (absent: pixels / 255). */
  pixels?: PixelNormalization;
  /** Its class names, when its metadata records them (class_labels). */
  classNames?: readonly string[];
}

/**
 * Reads `path`, checks the file as the importer does (tensor sizes, external data from its own
 * folder, moved into the returned bytes; ONNX's graph rules), and checks it maps float32 [N, ...sizes] to [N, classes] scores. With `expected`,
 * the sizes must hold `expected.sampleDims`' pixels (the same pixels in another shape, e.g. [N, 784],
 * pass) and the classes must match; without it, the file's own sizes and classes are taken.
 * Its metadata's pixel normalization and class names come along when it records them.
 */
export function loadClassifier(path: string, expected?: { sampleDims: number[]; classes: number }): ClassifierIo {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw new ModelFileError(`${path}: is a directory, not a model file`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(`${path}: ${code === 'ENOENT' ? 'no such model; train one first (npm run train)' : `cannot read (${code})`}`);
  }
  let sig: ReturnType<typeof readSignature>;
  try {
    bytes = checkedModelFile(bytes, externalDataBeside(path));
    sig = readSignature(bytes);
  } catch (e) {
    if (e instanceof OnnxDecodeError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
  const expectedIn = expected ? `float32 [N,${expected.sampleDims}]` : 'float32 [N, ...fixed sizes]';
  const expectedOut = `[N,${expected?.classes ?? 'classes'}]`;
  if (sig.inputs.length !== 1) {
    throw new ModelFileError(`${path}: expected one input ${expectedIn}, found ${sig.inputs.length} (${sig.inputs.map((i) => i.name).join(', ')})`);
  }
  const [inp] = sig.inputs;
  const dims = inp.dims ?? [];
  const sizes = dims.slice(1);
  const pixels = (ds: readonly unknown[]) => (ds.every((d) => typeof d === 'number' && d > 0) ? (ds as number[]).reduce((p, d) => p * d, 1) : NaN);
  const shapeOk = dims.length >= 2 && (expected ? pixels(sizes) === pixels(expected.sampleDims) : pixels(sizes) > 0);
  if (inp.elemType !== FLOAT || !shapeOk) {
    throw new ModelFileError(`${path}: input '${inp.name}' is ${inp.elemType === FLOAT ? 'float32' : `type ${inp.elemType}`} [${dims}], expected ${expectedIn}`);
  }
  const out = sig.outputs[0];
  const outDims = out?.dims ?? [];
  const classes = expected?.classes ?? outDims[1];
  if (!out || out.elemType !== FLOAT || outDims.length !== 2 || typeof classes !== 'number' || (typeof outDims[1] === 'number' && outDims[1] !== classes)) {
    throw new ModelFileError(`${path}: first output${out ? ` '${out.name}' [${outDims}]` : ' missing'}, expected float32 ${expectedOut} scores`);
  }
  const labels = sig.metadata.class_labels?.split(',');
  const classNames = labels?.length === classes ? labels : undefined;
  const normalization = pixelsFromMetadata(sig.metadata);
  return { path, bytes, input: inp.name, output: out.name, classes, sampleDims: sizes as number[], ...(normalization ? { pixels: normalization } : {}), ...(classNames ? { classNames } : {}) };
}
