// One training run per artifacts folder: a lock file holding the owner's pid, start time and
// command. A lock whose process is gone (killed, crashed) is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processIsAlive } from './process-alive';

export const LOCK_FILE = '.train.lock';

interface LockOwner {
  pid: number;
  started: string;
  command: string;
}

/** Another live process holds the folder. */
export class FolderLockedError extends Error {}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined; // half-written or unreadable: its writer died before finishing it
  }
}

/** Take the lock on `dir` (created if needed) until release() or the end of the process. */
export function lockFolder(dir: string, command: string): { release(): void } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(file);
      if (owner && owner.pid !== process.pid && processIsAlive(owner.pid)) {
        throw new FolderLockedError(
          `${dir} is in use by another training run (pid ${owner.pid}, started ${owner.started}: ${owner.command}); ` +
            'wait for it to finish, or train into another --artifacts folder',
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
      continue;
    }
    const owner: LockOwner = { pid: process.pid, started: new Date().toISOString(), command };
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
    const release = () => {
      if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
      process.off('exit', release);
    };
    process.on('exit', release);
    return { release };
  }
  throw new FolderLockedError(`${dir}: could not take the lock file ${file}`);
}
