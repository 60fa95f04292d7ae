// An ONNX file with some initializers given new values, every other byte as it was: the
// model's fields are walked in protobuf's wire format and only the rewritten tensors re-encoded, so
// nodes, names, opsets, metadata, value infos and fields this project has no schema for all survive.
import { Tensor } from '../graph/types';
import { DATA_TYPE, TensorProto } from './onnx-schema';
import { rewriteFields } from './wire-fields';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;

/** `model` with each initializer that `rewrite` gives new bytes re-encoded; every other byte as it was. */
function rewriteInitializers(model: Uint8Array, rewrite: (proto: any) => Uint8Array | undefined): Uint8Array {
  return rewriteFields(model, (field, graph) =>
    field !== MODEL_GRAPH ? undefined : rewriteFields(graph, (graphField, tensorBytes) => (graphField !== GRAPH_INITIALIZER ? undefined : rewrite(TensorProto.decode(tensorBytes)))),
  );
}

/** The tensor message with `raw` as its data, stored in the file. */
const withRawData = (proto: any, raw: Uint8Array) =>
  TensorProto.encode({ ...proto, floatData: [], int64Data: [], int32Data: [], externalData: [], dataLocation: 0, rawData: raw }).finish();

/**
 * `model` (ONNX bytes) with the initializers named in `tensors` holding those tensors' data, stored
 * in the file (raw_data) even where the original kept them in an external file.
 */
export function replaceInitializers(model: Uint8Array, tensors: ReadonlyMap<string, Tensor>): Uint8Array {
  const replaced = new Set<string>();
  const out = rewriteInitializers(model, (proto) => {
    const t = tensors.get(proto.name);
    if (!t) return undefined;
    const dims = (proto.dims ?? []).map(Number);
    if (proto.dataType !== DATA_TYPE[t.dtype] || dims.join(',') !== t.dims.join(',')) {
      throw new Error(`initializer '${proto.name}' (data type ${proto.dataType}, [${dims}]) cannot hold ${t.dtype} [${t.dims}]`);
    }
    replaced.add(t.name);
    return withRawData(proto, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  });
  const missing = [...tensors.keys()].filter((name) => !replaced.has(name));
  if (missing.length) throw new Error(`the model has no initializers named ${missing.join(', ')}`);
  return out;
}

/** `model` with the initializers named in `data` (read from external files) holding those bytes in the file. */
export function inlineInitializerBytes(model: Uint8Array, data: ReadonlyMap<string, Uint8Array>): Uint8Array {
  return rewriteInitializers(model, (proto) => {
    const raw = data.get(proto.name);
    return raw && withRawData(proto, raw);
  });
}
