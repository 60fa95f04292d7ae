// One clear line for the user's mistakes (exit 2); a short internal-error line otherwise (exit 1).
import { DataError } from '../data/idx-file';
import { OnnxDecodeError } from '../onnx/decode';
import { ImportError } from '../import/import-error';
import { ModelFileError } from '../inference/model-file-error';
import { RuntimeError } from '../runtime/session';
import { OrtArtifactError } from '../ort-training/validate';
import { PortError } from './demo-server';
import { FolderLockedError } from '../io/folder-lock';
import { describeFileError, isFileError } from '../io/file-errors';

/** A bad option value or combination that yargs' own checks cannot express. */
export class UsageError extends Error {}

const USER_ERRORS = [UsageError, DataError, RuntimeError, OnnxDecodeError, OrtArtifactError, PortError, FolderLockedError];

/**
 * A message with nothing a terminal would act on: control characters (escape sequences, and line
 * breaks where `lines` is false, as in messages that quote a model file's names) written as \xHH.
 */
export const printable = (text: string, lines = true) =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (lines && c === '\n' ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));

/** What the user is shown for `e`: the line(s) written to stderr and the exit code (2 for their mistakes, 1 otherwise). */
export function errorReport(e: unknown, verbose = false): { text: string; code: number } {
  const err = e instanceof Error ? e : new Error(String(e));
  if (isFileError(err)) return { text: `error: ${describeFileError(err)}`, code: 2 };
  const isUserError = USER_ERRORS.some((cls) => err instanceof cls);
  if (isUserError) {
    const quotesModelFile = err instanceof OnnxDecodeError || err instanceof ImportError || err instanceof ModelFileError;
    return { text: `error: ${printable(err.message, !quotesModelFile)}`, code: 2 };
  }
  return { text: `internal error: ${err.message}${verbose ? '' : ' (run with --verbose for the stack)'}`, code: 1 };
}

export function reportError(e: unknown, verbose: boolean): number {
  if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  const { text, code } = errorReport(e, verbose);
  process.stderr.write(`${text}\n`);
  return code;
}
