// ONNX Runtime's training checkpoint: a FlatBuffer with file identifier "ODTC", written and read
// with the flatbuffers package's Builder/ByteBuffer (field slots as in ORT's ort_training_checkpoint.fbs).
import { Builder, ByteBuffer } from 'flatbuffers';
import { ParamValues } from '../graph/model-definition';

export const CHECKPOINT_IDENTIFIER = 'ODTC';
/** onnxruntime-web 1.18.0 and 1.19.x read version 2 only (1.17.x: version 1). */
export const CHECKPOINT_VERSION = 2;
const FLOAT = 1; // ONNX TensorProto.DataType

// Field slots, in schema order.
const TENSOR = { name: 0, docString: 1, dims: 2, dataType: 3, rawData: 4, stringData: 5, externalDataOffset: 6 };
const CHECKPOINT = { version: 0, moduleState: 1, optimizerGroups: 2, propertyBag: 3 };
const MODULE_STATE = { requiresGradParams: 0, frozenParams: 1, isNominalState: 2, hasExternalData: 3 };
const OPTIMIZER_GROUP = { groupName: 0, step: 1, initialLearningRate: 2, optimizerStates: 3 };

export interface OrtCheckpoint {
  version: number;
  /** Trainable parameters with their dims, in order. */
  params: { name: string; dims: number[]; data: Float32Array }[];
  frozen: { name: string; dims: number[]; data: Float32Array }[];
  step: number;
  learningRate: number;
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

function writeTensor(b: Builder, t: { name: string; dims: number[]; data: Float32Array }): number {
  const name = b.createString(t.name);
  b.startVector(8, t.dims.length, 8);
  for (let i = t.dims.length - 1; i >= 0; i--) b.addInt64(BigInt(t.dims[i]));
  const dims = b.endVector();
  const raw = b.createByteVector(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  b.startObject(7);
  b.addFieldOffset(TENSOR.name, name, 0);
  b.addFieldOffset(TENSOR.dims, dims, 0);
  b.addFieldInt32(TENSOR.dataType, FLOAT, 0);
  b.addFieldOffset(TENSOR.rawData, raw, 0);
  return b.endObject();
}

export function encodeOrtCheckpoint(c: OrtCheckpoint): Uint8Array {
  const b = new Builder(1024 + c.params.reduce((n, p) => n + p.data.byteLength + 64, 0));
  const trainable = offsetVector(b, c.params.map((p) => writeTensor(b, p)));
  const frozen = offsetVector(b, c.frozen.map((p) => writeTensor(b, p)));
  b.startObject(4);
  b.addFieldOffset(MODULE_STATE.requiresGradParams, trainable, 0);
  b.addFieldOffset(MODULE_STATE.frozenParams, frozen, 0);
  const moduleState = b.endObject();

  const groupName = b.createString('group0');
  const states = offsetVector(b, []); // no stored moments: the runtime creates zeros
  b.startObject(4);
  b.addFieldOffset(OPTIMIZER_GROUP.groupName, groupName, 0);
  b.addFieldInt64(OPTIMIZER_GROUP.step, BigInt(c.step), 0n);
  b.addFieldFloat32(OPTIMIZER_GROUP.initialLearningRate, c.learningRate, 0);
  b.addFieldOffset(OPTIMIZER_GROUP.optimizerStates, states, 0);
  const groups = offsetVector(b, [b.endObject()]);

  b.startObject(4);
  b.addFieldInt32(CHECKPOINT.version, c.version, 0);
  b.addFieldOffset(CHECKPOINT.moduleState, moduleState, 0);
  b.addFieldOffset(CHECKPOINT.optimizerGroups, groups, 0);
  b.finish(b.endObject(), CHECKPOINT_IDENTIFIER);
  return b.asUint8Array();
}

/** Reads back what encodeOrtCheckpoint writes (and any checkpoint with float parameters). */
export function decodeOrtCheckpoint(bytes: Uint8Array): OrtCheckpoint {
  const bb = new ByteBuffer(bytes);
  if (bytes.length < 8 || !bb.__has_identifier(CHECKPOINT_IDENTIFIER)) throw new Error('not an ONNX Runtime training checkpoint (no ODTC identifier)');
  const field = (table: number, slot: number) => bb.__offset(table, 4 + 2 * slot);
  const table = (pos: number) => bb.__indirect(pos);
  const tables = (parent: number, slot: number): number[] => {
    const o = field(parent, slot);
    if (!o) return [];
    const start = bb.__vector(parent + o);
    return Array.from({ length: bb.__vector_len(parent + o) }, (_, i) => table(start + 4 * i));
  };
  const tensor = (t: number) => {
    const name = bb.__string(t + field(t, TENSOR.name)) as string;
    const dimsAt = t + field(t, TENSOR.dims);
    const dims = Array.from({ length: bb.__vector_len(dimsAt) }, (_, i) => Number(bb.readInt64(bb.__vector(dimsAt) + 8 * i)));
    const rawAt = t + field(t, TENSOR.rawData);
    const raw = bytes.slice(bb.__vector(rawAt), bb.__vector(rawAt) + bb.__vector_len(rawAt));
    return { name, dims, data: new Float32Array(raw.buffer) };
  };
  const root = bb.readInt32(bb.position()) + bb.position();
  const version = field(root, CHECKPOINT.version) ? bb.readInt32(root + field(root, CHECKPOINT.version)) : 0;
  const module = table(root + field(root, CHECKPOINT.moduleState));
  const [group] = tables(root, CHECKPOINT.optimizerGroups);
  const read = <T>(t: number | undefined, slot: number, get: (at: number) => T, dflt: T) =>
    t !== undefined && field(t, slot) ? get(t + field(t, slot)) : dflt;
  return {
    version,
    params: tables(module, MODULE_STATE.requiresGradParams).map(tensor),
    frozen: tables(module, MODULE_STATE.frozenParams).map(tensor),
    step: Number(read(group, OPTIMIZER_GROUP.step, (at) => bb.readInt64(at), 0n)),
    learningRate: read(group, OPTIMIZER_GROUP.initialLearningRate, (at) => bb.readFloat32(at), 0),
  };
}

export function checkpointFromParams(order: { name: string; dims: number[] }[], values: ParamValues, learningRate: number, step = 0): OrtCheckpoint {
  return {
    version: CHECKPOINT_VERSION,
    params: order.map((p) => ({ name: p.name, dims: p.dims, data: values.get(p.name)! })),
    frozen: [],
    step,
    learningRate,
  };
}
