// Training checkpoints: everything needed to continue a run bit for bit.
// File layout: "LENETCK1" | u32 LE header length | header JSON | tensor bytes | SHA-256 of all before it.
// Written atomically (temporary file, fsync, rename); the checkpoint it replaces is kept as <path>.prev,
// and <path> itself is never missing: the old file is linked to .prev, then the new one renamed over it.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeTemporary } from '../../io/atomic-write';
import { DataError } from '../../data/idx-file';
import { ParamValues } from '../../graph/model-definition';
import type { TrainingState } from './training-state';

export type { Recipe } from '../recipe';
export type { TrainingState } from './training-state';

const MAGIC = 'LENETCK1';
const SHA_BYTES = 32;


/** A checkpoint file that is missing, truncated, corrupted or not a checkpoint. */
export class CheckpointError extends DataError {}

interface Header extends Omit<TrainingState, 'params'> {
  tensors: { name: string; length: number }[];
}

export function encodeCheckpoint(state: TrainingState): Uint8Array {
  const tensors = [...state.params].map(([name, data]) => ({ name, length: data.length }));
  const { params: _params, ...rest } = state;
  const header = new TextEncoder().encode(JSON.stringify({ ...rest, tensors } satisfies Header));
  const bodyBytes = tensors.reduce((n, t) => n + 4 * t.length, 0);
  const out = new Uint8Array(MAGIC.length + 4 + header.length + bodyBytes + SHA_BYTES);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  let at = MAGIC.length + 4;
  out.set(header, at);
  at += header.length;
  for (const data of state.params.values()) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  out.set(createHash('sha256').update(out.subarray(0, at)).digest(), at);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, what: string): TrainingState {
  const bad = (why: string) => new CheckpointError(`${what}: ${why}`);
  if (bytes.length < MAGIC.length + 4 + SHA_BYTES || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw bad('not a training checkpoint');
  }
  const end = bytes.length - SHA_BYTES;
  const digest = createHash('sha256').update(bytes.subarray(0, end)).digest();
  if (!digest.equals(bytes.subarray(end))) throw bad('checksum mismatch (the file is corrupted or truncated)');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  let at = MAGIC.length + 4;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(at, at + headerLength))) as Header;
  at += headerLength;
  const params: ParamValues = new Map();
  for (const t of header.tensors) {
    const copy = new Uint8Array(bytes.subarray(at, at + 4 * t.length)); // aligned
    params.set(t.name, new Float32Array(copy.buffer));
    at += 4 * t.length;
  }
  if (at !== end) throw bad('tensor data does not match the header');
  const { tensors: _tensors, ...rest } = header;
  return { ...rest, params };
}

export const previousCheckpoint = (path: string) => `${path}.prev`;

/** Atomically replace the checkpoint at `path`, keeping the one it replaces as <path>.prev. */
export function writeCheckpoint(path: string, state: TrainingState): void {
  const tmp = writeTemporary(path, encodeCheckpoint(state));
  try {
    if (existsSync(path) && statSync(path).isFile()) keepAsPrevious(path);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** <path>.prev becomes a second name of the current checkpoint (a copy where links are not allowed). */
function keepAsPrevious(path: string): void {
  const prev = previousCheckpoint(path);
  rmSync(prev, { force: true });
  try {
    linkSync(path, prev);
  } catch {
    copyFileSync(path, prev);
  }
}

export function readCheckpoint(path: string): TrainingState {
  if (!existsSync(path)) {
    const prev = previousCheckpoint(path);
    throw new CheckpointError(`${path}: no such checkpoint${existsSync(prev) ? `; the previous one is there: --resume ${prev}` : ''}`);
  }
  if (!statSync(path).isFile()) throw new CheckpointError(`${path}: is a directory, not a checkpoint file`);
  try {
    return decodeCheckpoint(readFileSync(path), path);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw new CheckpointError(`${path}: unreadable checkpoint (${(e as Error).message})`);
    const prev = previousCheckpoint(path);
    if (existsSync(prev)) e.message += `; the previous checkpoint ${prev} may still be good (--resume ${prev})`;
    throw e;
  }
}
