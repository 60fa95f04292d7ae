// The command that continues an interrupted run, printed for the user to paste: the same `train`
// arguments, with --resume naming the checkpoint; every word quoted for a POSIX shell.
import { INSTALLED } from '../io/package-root';

/** A word as a POSIX shell reads it back unchanged. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Flags the checkpoint answers for: dropped from the command, with their values. */
const REPLACED = ['--resume', '--recipe'];

/**
 * `npm run train -- <this run's arguments but --resume and --recipe> --resume <checkpoint>`, or
 * `npx lenet-onnx-ts train ...` when the CLI runs from an installed package.
 */
export function resumeCommand(checkpoint: string, argv: readonly string[] = process.argv.slice(2)): string {
  const args = argv[0] === 'train' ? argv.slice(1) : [...argv];
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (REPLACED.includes(args[i])) i++; // and its value
    else if (!REPLACED.some((flag) => args[i].startsWith(`${flag}=`))) kept.push(args[i]);
  }
  const train = INSTALLED ? ['npx', 'lenet-onnx-ts', 'train'] : ['npm', 'run', 'train', '--'];
  return [...train, ...kept, '--resume', checkpoint].map(shellQuote).join(' ');
}
