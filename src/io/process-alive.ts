// Whether a process id belongs to a running process (used to tell stale temporary files and
// locks, left by a killed process, from those of a live one).
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
