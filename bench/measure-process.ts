// One measurement of a benchmark: a command run in a fresh process from the project's root, whose
// last line of output is a JSON object (what it measured); a failure names the command and its error.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

export type Json = Record<string, unknown>;

export function measureProcess(cmd: string, argv: string[]): Json {
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', timeout: 900_000 });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr?.split('\n').slice(-3).join(' ')}`);
  return JSON.parse(line) as Json;
}
