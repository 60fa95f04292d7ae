// An ONNX file with some float initializers given new values, every other byte as it was: the
// model's fields are walked in protobuf's wire format and only the rewritten tensors re-encoded, so
// nodes, names, opsets, metadata, value infos and fields this project has no schema for all survive.
import * as protobuf from 'protobufjs';
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

/** `model` (ONNX bytes) with the float32 initializers named in `values` holding those values. */
export function replaceInitializers(model: Uint8Array, values: ReadonlyMap<string, Float32Array>): Uint8Array {
  const replaced = new Set<string>();
  const out = rewriteFields(model, (field, graph) =>
    field !== MODEL_GRAPH
      ? undefined
      : rewriteFields(graph, (graphField, tensorBytes) => {
          if (graphField !== GRAPH_INITIALIZER) return undefined;
          /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */
          const tensor = TensorProto.decode(tensorBytes) as any;
          const data = values.get(tensor.name);
          if (!data) return undefined;
          const count = (tensor.dims ?? []).reduce((n: number, d: unknown) => n * Number(d), 1);
          if (tensor.dataType !== DATA_TYPE.float32 || count !== data.length) {
            throw new Error(`initializer '${tensor.name}': cannot hold ${data.length} float32 values (data type ${tensor.dataType}, ${count} elements)`);
          }
          replaced.add(tensor.name);
          const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
          return TensorProto.encode({ ...tensor, floatData: [], rawData: raw }).finish();
        }),
  );
  const missing = [...values.keys()].filter((name) => !replaced.has(name));
  if (missing.length) throw new Error(`the model has no float32 initializers named ${missing.join(', ')}`);
  return out;
}
