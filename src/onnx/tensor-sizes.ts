// A stored tensor's dims and data checked against each other before anything is allocated for it:
// dims that are sizes (whole, 0 or more, a count JavaScript can hold), and data exactly as long as
// they say. A few bytes claiming gigabytes are refused here, not by a failed allocation.
import { OnnxDecodeError } from './decode-error';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */
const num = (x: any): number => (x === undefined || x === null ? 0 : typeof x === 'number' ? x : Number(x.toString()));

/** Bits per element of each ONNX TensorProto.DataType with a fixed size (STRING, 8, has none). */
const BITS: Record<number, number> = {
  1: 32, 2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 9: 8, 10: 16, 11: 64, 12: 32, 13: 64, 14: 64, 15: 128, 16: 16,
  17: 8, 18: 8, 19: 8, 20: 8, 21: 4, 22: 4, 23: 4, 24: 8,
};
const FLOAT = 1;
const INT64 = 7;
const COMPLEX64 = 14;

/** The number of values `dims` hold; refused when a dim is not a size or the count is past 2^53. */
export function elementCount(p: any): number {
  const dims: number[] = (p.dims ?? []).map(num);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new OnnxDecodeError(`tensor '${p.name}': dims [${dims}] are not sizes (each must be a whole number, 0 or more)`);
  const count = dims.reduce((a, d) => a * d, 1);
  if (!Number.isSafeInteger(count)) throw new OnnxDecodeError(`tensor '${p.name}': dims [${dims}] hold more values than any file can`);
  return count;
}

/** The bytes `count` values of the tensor's type take, or undefined for a type without a fixed size. */
export function byteLength(p: any, count: number): number | undefined {
  const bits = BITS[p.dataType];
  return bits === undefined ? undefined : Math.ceil((count * bits) / 8);
}

/** Refuses a tensor whose stored data (`raw`: its raw_data or external bytes; else its typed fields) disagrees with its dims. */
export function checkTensorData(p: any, raw: Uint8Array | undefined): void {
  const count = elementCount(p);
  const dims = (p.dims ?? []).map(num);
  if (raw && raw.length) {
    const expected = byteLength(p, count);
    if (expected !== undefined && raw.length !== expected) throw new OnnxDecodeError(`tensor '${p.name}': ${raw.length} bytes of data for dims [${dims}] (${expected} expected)`);
    return;
  }
  const typed = p.dataType === FLOAT || p.dataType === COMPLEX64 ? p.floatData : p.dataType === INT64 ? p.int64Data : p.int32Data;
  const perValue = p.dataType === COMPLEX64 ? 2 : 1;
  if (typed?.length && typed.length !== count * perValue) throw new OnnxDecodeError(`tensor '${p.name}': ${typed.length / perValue} values for dims [${dims}]`);
}
