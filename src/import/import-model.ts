// importModel(): an ONNX classifier someone else exported (PyTorch, a model zoo, another converter)
// as a model definition that train(), evaluate() and exportModel() take like one written with the
// DSL. This file reads the model file and its external data; import-bytes.ts does the rest.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { ModelDefinition } from '../graph/model-definition';
import { describeFileError, isFileError } from '../io/file-errors';
import { ExternalData } from '../onnx/decode';
import { importBytes, ImportOptions } from './import-bytes';
import { ImportError } from './import-error';

export type { ImportOptions } from './import-bytes';

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    if (isFileError(e)) throw new ImportError(describeFileError(e));
    throw e;
  }
}

/**
 * Reads external tensor data beside the model file. Refused before anything is read: a location
 * that is absolute or leads outside the model's folder (also through a symbolic link), one that is
 * not a regular file (a device, a folder); and bytes past a file's end.
 */
function externalDataBeside(modelPath: string): ExternalData {
  const folder = realpathSync(dirname(resolve(modelPath)));
  const files = new Map<string, Uint8Array>();
  const outside = (path: string) => relative(folder, path).startsWith('..') || isAbsolute(relative(folder, path));
  return (location, offset, length) => {
    const shown = JSON.stringify(location);
    if (isAbsolute(location) || outside(resolve(folder, location))) throw new ImportError(`external data ${shown} lies outside the model's folder`);
    let path: string;
    try {
      path = realpathSync(resolve(folder, location));
    } catch (e) {
      if (isFileError(e)) throw new ImportError(`external data ${shown}: ${describeFileError(e)}`);
      throw e;
    }
    if (outside(path)) throw new ImportError(`external data ${shown} lies outside the model's folder (through a link)`);
    if (!statSync(path).isFile()) throw new ImportError(`external data ${shown} is not a regular file`);
    const bytes = files.get(path) ?? readBytes(path);
    files.set(path, bytes);
    const end = length === undefined ? bytes.length : offset + length;
    if (!(offset >= 0) || !(end <= bytes.length) || end < offset) throw new ImportError(`external data ${shown}: bytes ${offset}-${end} lie past its end (${bytes.length} bytes)`);
    return bytes.subarray(offset, end);
  };
}

/**
 * An ONNX classifier file (a path, or its bytes) as a model definition that `train()`,
 * `evaluate()` and `exportModel()` take like one written with the DSL; `exportModel()` then writes
 * this file again with the trained values.
 *
 *   const net = importModel('net.onnx', { frozen: ['stem.*'] });
 *   const trained = await train(net, await datasets.mnist(), { epochs: 2 });
 *   exportModel(trained, 'net-finetuned.onnx');
 *
 * The file needs one float32 input [batch, ...fixed sizes] and scores [batch, classes] as its first
 * output (a final Softmax/LogSoftmax is looked through). What it cannot take is refused with an
 * `ImportError` whose one-line message names the node or tensor (see docs/import.md).
 */
export function importModel(source: string | Uint8Array, options: ImportOptions = {}): ModelDefinition {
  if (typeof source !== 'string') return importBytes(source, options.name ?? 'imported', options);
  return importBytes(readBytes(source), options.name ?? basename(source, extname(source)), options, externalDataBeside(source));
}
