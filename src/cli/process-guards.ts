// Process-level hazards the CLI meets before or around its real work.
import { readFileSync } from 'node:fs';
import { UsageError } from './errors';

/**
 * onnxruntime-node 1.30 crashes (SIGSEGV, no message) while creating a session when the process's
 * command line is longer than about 28 KB (measured here: 28,000 bytes run, 30,000 crash).
 */
export const MAX_COMMAND_LINE_BYTES = 16 * 1024;

export function checkCommandLineLength(): void {
  let bytes: number;
  try {
    bytes = readFileSync('/proc/self/cmdline').length;
  } catch {
    bytes = Buffer.byteLength([process.execPath, ...process.execArgv, ...process.argv.slice(1)].join(' '));
  }
  if (bytes > MAX_COMMAND_LINE_BYTES) {
    throw new UsageError(
      `the command line is ${bytes.toLocaleString('en-US')} bytes; ONNX Runtime crashes on command lines over about 28 KB. ` +
        'Name a folder of pictures, or list them in a file with --list FILE',
    );
  }
}

/**
 * A closed stdout/stderr (`train | head -1`, a closed terminal) must not kill a training run
 * before its model or checkpoint is written: write errors on them are dropped.
 */
export function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'EIO') throw e;
    });
  }
}

/**
 * yargs adds up a repeated number flag (`--epochs 3 --epochs 1` trains 4 epochs) and makes a list
 * of a repeated string flag: a flag given twice is refused instead.
 */
export function checkRepeatedFlags(argv: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const word of argv) {
    if (word === '--') break;
    const m = /^--(?:no-)?([^=]+)/.exec(word);
    if (!m) continue;
    if (seen.has(m[1])) throw new UsageError(`--${m[1]} is given twice (${seen.get(m[1])} and ${word}); give it once`);
    seen.set(m[1], word);
  }
}
