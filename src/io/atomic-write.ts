// Files appear whole or not at all: write a temporary sibling, fsync, then rename over the target.
// A temporary file never outlives a failed write, and those left by a killed process (whose pid
// is gone) are swept away the next time the same file is written.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processIsAlive } from './process-alive';

export function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/** Remove temporary siblings of `path` whose writing process no longer exists. */
export function sweepStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (m && Number(m[1]) !== process.pid && !processIsAlive(Number(m[1]))) rmSync(join(dirname(path), name), { force: true });
  }
}

/** fsync a finished temporary file and move it into place; the temporary file is removed if that fails. */
export function commitTemporary(tmp: string, path: string): void {
  try {
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write `bytes` to a temporary sibling of `path` and fsync it; returns the temporary path. */
export function writeTemporary(path: string, bytes: Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  sweepStaleTemporaries(path);
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
    const err = e as NodeJS.ErrnoException;
    err.path ??= path; // write(2) errors (ENOSPC) name no file: name the one being written
    throw err;
  }
  return tmp;
}

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = writeTemporary(path, bytes);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
