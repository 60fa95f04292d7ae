// Run the CLI as `npm run <command>` does: one Node process with tsx's loader (no wrapper process).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { MNIST_DIR } from './mnist-dir';

export const ROOT = resolve(__dirname, '../..');
const ARGS = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
const ENV = { ...process.env, MNIST_DIR };

export function cli(...args: string[]) {
  return cliWith({}, ...args);
}

/** The CLI with extra environment variables. */
export function cliWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [...ARGS, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...ENV, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export const cliProcess = (...args: string[]) => spawn(process.execPath, [...ARGS, ...args], { cwd: ROOT, env: ENV });

/** The CLI without blocking the test, for runs side by side. */
export function cliAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [...ARGS, ...args], { cwd: ROOT, encoding: 'utf8', env: ENV }, (e, out, err) => done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out, err }));
  });
}
