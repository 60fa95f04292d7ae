// File-system errors in one line that names the path and says what is wrong, in words.
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'a file is in the way (a folder was needed)',
  ENOTDIR: 'a file is in the way (a folder was needed)',
  EISDIR: 'is a folder (a file was needed)',
  ENOENT: 'no such file or folder',
};

// Not `instanceof Error`: an error made by Node's own modules may come from another realm (a test runner's sandbox).
export const isFileError = (e: unknown): e is NodeJS.ErrnoException =>
  typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).code! in REASONS;

/** "cannot write /x/y: no space left on the device (ENOSPC)". */
export function describeFileError(e: NodeJS.ErrnoException & { dest?: string }): string {
  const verb = { open: 'open', mkdir: 'create the folder', rename: 'rename', write: 'write', read: 'read', link: 'link', lstat: 'find', stat: 'find', realpath: 'find' }[e.syscall ?? ''] ?? 'write';
  const where = e.dest ? `${e.path} -> ${e.dest}` : (e.path ?? 'a file');
  return `cannot ${verb} ${where}: ${REASONS[e.code!]} (${e.code})`;
}
