// npm runs a script in the project's root, but a user's relative paths mean the folder they typed
// the command in ($INIT_CWD, also under `npm --prefix`). So the CLI works there, and the project's
// own default folders (artifacts/) are named relative to it. Imported first by main.ts.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { defaultsRoot } from '../io/package-root';

const initCwd = process.env.INIT_CWD;
if (initCwd && process.env.npm_lifecycle_event && existsSync(initCwd)) process.chdir(initCwd);

/** A path inside the project (or, installed, the user's folder), as seen from the user's folder. */
export const projectPath = (p: string) => relative(process.cwd(), resolve(defaultsRoot(), p)) || '.';
