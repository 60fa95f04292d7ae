// Where the project's own folders are. Run from a clone (sources under tsx, or the compiled dist/),
// that is the clone's root, found from this file; run from an installed package (npx), it is the
// folder the command runs in, so that artifacts and downloads never land inside node_modules.
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** The package's own root: the clone, or node_modules/<package> when installed. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** True when this code runs from an installed copy of the package. */
export const INSTALLED = PACKAGE_ROOT.split(sep).includes('node_modules');

/** The folder that default paths (artifacts/, data/) are relative to; read when needed (the CLI may change folder first). */
export const defaultsRoot = (): string => (INSTALLED ? process.cwd() : PACKAGE_ROOT);
