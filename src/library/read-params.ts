// readParams(): the parameters (and model state) stored in an exported ONNX model, to fine-tune
// from (train's initialParams) or to inspect.
import { readFileSync } from 'node:fs';
import { ModelDefinition, ParamValues } from '../graph/model-definition';
import { paramsFromModel } from '../inference/inference-graph';
import { decodeModel } from '../onnx/decode';
import { DataError } from '../data/idx-file';
import { describeFileError, isFileError } from '../io/file-errors';

export function readParams(model: ModelDefinition, file: string): ParamValues {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    if (isFileError(e)) throw new DataError(describeFileError(e));
    throw e;
  }
  return paramsFromModel(model, decodeModel(bytes), file);
}
