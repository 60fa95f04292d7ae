// Files appear whole or not at all: write a temporary sibling, fsync, then rename over the target.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/** fsync a finished temporary file and move it into place. */
export function commitTemporary(tmp: string, path: string): void {
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Write `bytes` to a temporary sibling of `path` and fsync it; returns the temporary path. */
export function writeTemporary(path: string, bytes: Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = temporarySibling(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return tmp;
}

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  renameSync(writeTemporary(path, bytes), path);
}
