// Rewriting a protobuf message at the wire level: each field's bytes are kept as they are, unless a
// callback replaces or drops a length-delimited one; new fields can be appended. Fields the
// project has no schema for pass through untouched.
import * as protobuf from 'protobufjs';

const LENGTH_DELIMITED = 2;

/** What to do with a length-delimited field: undefined keeps it, null drops it, bytes replace its payload. */
export type FieldRewrite = (field: number, payload: Uint8Array) => Uint8Array | null | undefined;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A length-delimited field: its tag and payload. */
export const encodeField = (field: number, payload: Uint8Array): Uint8Array =>
  protobuf.Writer.create().uint32((field << 3) | LENGTH_DELIMITED).bytes(payload).finish();

/** The message `bytes` with each field kept, replaced or dropped by `rewrite`, then `appended` (encoded fields). */
export function rewriteFields(bytes: Uint8Array, rewrite: FieldRewrite, appended: Uint8Array[] = []): Uint8Array {
  const reader = protobuf.Reader.create(bytes);
  const parts: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    if ((tag & 7) === LENGTH_DELIMITED) {
      const length = reader.uint32();
      const payload = bytes.subarray(reader.pos, reader.pos + length);
      reader.skip(length);
      const replaced = rewrite(tag >>> 3, payload);
      if (replaced === null) continue;
      if (replaced) {
        parts.push(encodeField(tag >>> 3, replaced));
        continue;
      }
    } else {
      reader.skipType(tag & 7);
    }
    parts.push(bytes.subarray(start, reader.pos));
  }
  return concat([...parts, ...appended]);
}
