// An ONNX file with some initializers given new values, every other byte as it was: the
// model's fields are walked in protobuf's wire format and only the rewritten tensors re-encoded, so
// nodes, names, opsets, metadata, value infos and fields this project has no schema for all survive.
import * as protobuf from 'protobufjs';
import { Tensor } from '../graph/types';
import { DATA_TYPE, TensorProto } from './onnx-schema';

const LENGTH_DELIMITED = 2;
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;

/** Each field of a message: its number, and its bytes (tag included) or, if `rewrite` says so, a new payload. */
function rewriteFields(bytes: Uint8Array, rewrite: (field: number, payload: Uint8Array) => Uint8Array | undefined): Uint8Array {
  const reader = protobuf.Reader.create(bytes);
  const parts: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    if ((tag & 7) === LENGTH_DELIMITED) {
      const length = reader.uint32();
      const payload = bytes.subarray(reader.pos, reader.pos + length);
      reader.skip(length);
      const replaced = rewrite(field, payload);
      if (replaced) {
        parts.push(protobuf.Writer.create().uint32(tag).bytes(replaced).finish());
        continue;
      }
    } else {
      reader.skipType(tag & 7);
    }
    parts.push(bytes.subarray(start, reader.pos));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * `model` (ONNX bytes) with the initializers named in `tensors` holding those tensors' data, stored
 * in the file (raw_data) even where the original kept them in an external file.
 */
export function replaceInitializers(model: Uint8Array, tensors: ReadonlyMap<string, Tensor>): Uint8Array {
  const replaced = new Set<string>();
  const out = rewriteFields(model, (field, graph) =>
    field !== MODEL_GRAPH
      ? undefined
      : rewriteFields(graph, (graphField, tensorBytes) => {
          if (graphField !== GRAPH_INITIALIZER) return undefined;
          /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */
          const proto = TensorProto.decode(tensorBytes) as any;
          const t = tensors.get(proto.name);
          if (!t) return undefined;
          const dims = (proto.dims ?? []).map(Number);
          if (proto.dataType !== DATA_TYPE[t.dtype] || dims.join(',') !== t.dims.join(',')) {
            throw new Error(`initializer '${proto.name}' (data type ${proto.dataType}, [${dims}]) cannot hold ${t.dtype} [${t.dims}]`);
          }
          replaced.add(t.name);
          const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
          return TensorProto.encode({ ...proto, floatData: [], int64Data: [], int32Data: [], externalData: [], dataLocation: 0, rawData: raw }).finish();
        }),
  );
  const missing = [...tensors.keys()].filter((name) => !replaced.has(name));
  if (missing.length) throw new Error(`the model has no initializers named ${missing.join(', ')}`);
  return out;
}
