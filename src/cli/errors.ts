// One clear line for the user's mistakes (exit 2); a short internal-error line otherwise (exit 1).
import { DataError } from '../data/idx-file';
import { OnnxDecodeError } from '../onnx/decode';
import { RuntimeError } from '../runtime/session';
import { OrtArtifactError } from '../ort-training/validate';
import { PortError } from './demo-server';
import { FolderLockedError } from '../io/folder-lock';
import { describeFileError, isFileError } from '../io/file-errors';

/** A bad option value or combination that yargs' own checks cannot express. */
export class UsageError extends Error {}

const USER_ERRORS = [UsageError, DataError, RuntimeError, OnnxDecodeError, OrtArtifactError, PortError, FolderLockedError];

export function reportError(e: unknown, verbose: boolean): number {
  const err = e instanceof Error ? e : new Error(String(e));
  if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
  if (isFileError(err)) {
    process.stderr.write(`error: ${describeFileError(err)}\n`);
    return 2;
  }
  const isUserError = USER_ERRORS.some((cls) => err instanceof cls);
  if (isUserError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(`internal error: ${err.message}${verbose ? '' : ' (run with --verbose for the stack)'}\n`);
  return 1;
}
