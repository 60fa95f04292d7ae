// importModel(): an ONNX classifier someone else exported (PyTorch, a model zoo, another converter)
// as a model definition that train(), evaluate() and exportModel() take like one written with the
// DSL. This file reads the model file and its external data; import-bytes.ts does the rest.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ModelDefinition } from '../graph/model-definition';
import { describeFileError, isFileError } from '../io/file-errors';
import { externalDataBeside } from '../io/external-data';
import { OnnxDecodeError } from '../onnx/decode';
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
  try {
    return importBytes(readBytes(source), options.name ?? basename(source, extname(source)), options, externalDataBeside(source));
  } catch (e) {
    // Bytes that are not a readable model: the message says which file.
    if (e instanceof OnnxDecodeError) throw new OnnxDecodeError(`${source}: ${e.message}`);
    throw e;
  }
}
