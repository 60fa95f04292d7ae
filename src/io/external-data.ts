// Tensor data a model file keeps in other files beside it (ONNX's external data), read only from
// the model's own folder. Refused before anything is read: a location that is absolute or leads
// outside the folder (also through a symbolic link) or holds control characters, one that is not a regular file (a device, a
// folder), bytes past the file's end; a missing file is named.
import { openSync, readSync, closeSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { OnnxDecodeError } from '../onnx/decode-error';
import { ExternalData } from '../onnx/decode';
import { describeFileError, isFileError } from './file-errors';

function fileError<T>(shown: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (isFileError(e)) throw new OnnxDecodeError(`external data ${shown}: ${describeFileError(e)}`);
    throw e;
  }
}

function readRange(path: string, offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  const fd = openSync(path, 'r');
  try {
    for (let at = 0; at < length; ) {
      const n = readSync(fd, bytes, at, length - at, offset + at);
      if (n === 0) break;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** The reader of external data for the model file at `modelPath`. */
export function externalDataBeside(modelPath: string): ExternalData {
  const folder = realpathSync(dirname(resolve(modelPath)));
  const outside = (path: string) => relative(folder, path).startsWith('..') || isAbsolute(relative(folder, path));
  return (location, offset, length) => {
    const shown = JSON.stringify(location);
    if (typeof location !== 'string' || location === '') throw new OnnxDecodeError(`external data without a location`);
    if (/[\u0000-\u001f]/.test(location)) throw new OnnxDecodeError(`external data ${shown}: a location with control characters is not a file name`);
    if (isAbsolute(location) || outside(resolve(folder, location))) throw new OnnxDecodeError(`external data ${shown} lies outside the model's folder`);
    const path = fileError(shown, () => realpathSync(resolve(folder, location)));
    if (outside(path)) throw new OnnxDecodeError(`external data ${shown} lies outside the model's folder (through a link)`);
    const stat = fileError(shown, () => statSync(path));
    if (!stat.isFile()) throw new OnnxDecodeError(`external data ${shown} is not a regular file`);
    const end = length === undefined ? stat.size : offset + length;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(end) || offset < 0 || end < offset || end > stat.size) {
      throw new OnnxDecodeError(`external data ${shown}: bytes ${offset}-${end} lie past its end (${stat.size} bytes)`);
    }
    return fileError(shown, () => readRange(path, offset, end - offset));
  };
}
