// Malformed and hostile model files through the commands that read them: `train --model-file`
// (import and fine-tune), `evaluate --model-file` and `predict --model-file` (ONNX Runtime scores the
// file), `build-model --model-file`. Each is refused in one line, exit 2, with no stack trace;
// nothing is written, and the file and the data beside it stay as they were.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAsync } from '../helpers/cli';
import { HostileFile, writeHostileFiles } from '../helpers/hostile-model-files';
import sharp from 'sharp';

let dir: string;
let cases: HostileFile[];
let picture: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'refusals-'));
  cases = writeHostileFiles(join(dir, 'models'));
  picture = join(dir, 'digit.png');
  await sharp({ create: { width: 28, height: 28, channels: 3, background: '#ffffff' } }).png().toFile(picture);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fingerprint = (folder: string) =>
  readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `${e.name} ${createHash('sha256').update(readFileSync(join(folder, e.name))).digest('hex')}`).join('\n');

/** Runs `runs` two at a time (the CLI's start-up dominates). */
async function twoAtATime<T>(runs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < runs.length; i += 2) results.push(...(await Promise.all(runs.slice(i, i + 2).map((r) => r()))));
  return results;
}

const COMMANDS: Record<string, (file: string, out: string) => string[]> = {
  train: (file, out) => ['train', '--model-file', file, '--epochs', '1', '--limit', '100', '--artifacts', out, '--no-progress'],
  evaluate: (file) => ['evaluate', '--model-file', file, '--limit', '100'],
};

test('each malformed or hostile file: train and evaluate refuse it in one line, exit 2; nothing written, nothing changed', async () => {
  const before = fingerprint(join(dir, 'models'));
  const runs = cases.flatMap((c) =>
    Object.entries(COMMANDS).map(([command, args]) => async () => {
      const out = join(dir, `out-${command}-${c.file.split('/').pop()}`);
      const r = await cliAsync(...args(c.file, out));
      return { c, command, r, wrote: existsSync(out) };
    }),
  );
  const wrong: string[] = [];
  for (const { c, command, r, wrote } of await twoAtATime(runs)) {
    const lines = r.err.trim().split('\n');
    const ok = r.code === 2 && lines.length === 1 && lines[0].startsWith('error: ') && c.message.test(lines[0]) && !wrote;
    if (!ok) wrong.push(`${c.what}, ${command}: exit ${r.code}${wrote ? ', wrote its output' : ''}: ${r.err.trim()}`);
  }
  expect(wrong).toEqual([]);
  expect(fingerprint(join(dir, 'models'))).toBe(before);
}, 300_000);

test('predict and build-model refuse them the same way', async () => {
  const some = cases.filter((c) => /ext-link|dims-gigabytes|cycle|random/.test(c.file));
  const results = await twoAtATime(
    some.flatMap((c) => [
      async () => ({ c, r: await cliAsync('predict', picture, '--model-file', c.file) }),
      async () => ({ c, r: await cliAsync('build-model', '--model-file', c.file, '--format', 'ort-training', '--artifacts', join(dir, 'built')) }),
    ]),
  );
  for (const { c, r } of results) {
    expect({ what: c.what, code: r.code, lines: r.err.trim().split('\n').length, refusal: c.message.test(r.err.trim()) }).toEqual({ what: c.what, code: 2, lines: 1, refusal: true });
  }
  expect(existsSync(join(dir, 'built'))).toBe(false);
}, 120_000);

test('a sound model with its weights in a file beside it: evaluate scores it from any working folder, train fine-tunes it', async () => {
  const file = join(dir, 'models', 'external.onnx');
  const [scored, trained] = await Promise.all([cliAsync(...COMMANDS.evaluate(file, ''), '--min-accuracy', '0'), cliAsync(...COMMANDS.train(file, join(dir, 'tuned')))]);
  expect(scored.err).toBe('');
  expect(scored.out).toMatch(/accuracy=0\.\d{4} \(\d+\/100/);
  expect(trained.code).toBe(0);
  expect(existsSync(join(dir, 'tuned', 'external.onnx'))).toBe(true);
}, 120_000);

test('names inside a model never become file paths: a graph, node and metadata named like paths out of the folder', async () => {
  const { decodeModel } = await import('../../src/onnx/decode');
  const { encodeModel } = await import('../../src/onnx/encode');
  const { mlpNodes, mlpWeights, model } = await import('../helpers/hand-made-onnx');
  const m = decodeModel(model(mlpNodes(), mlpWeights()));
  const escape = join(dir, 'escaped');
  m.graph.name = `../../..${escape}`;
  m.graph.nodes[1] = { ...m.graph.nodes[1], name: `../${escape}/node` };
  m.metadata = { ...m.metadata, model_name: escape, training_recipe: `{"model":"../${escape}"}` };
  const sly = join(dir, 'sly', 'sly.onnx');
  (await import('node:fs')).mkdirSync(join(dir, 'sly'));
  (await import('node:fs')).writeFileSync(sly, encodeModel(m));
  const artifacts = join(dir, 'sly-out');
  const r = await cliAsync(...COMMANDS.train(sly, artifacts));
  expect(r.code).toBe(0);
  expect(readdirSync(artifacts)).toContain('sly.onnx');
  // The exported file is named after the file given; the rest are the project's own names (runs/<time>/...).
  expect(readdirSync(artifacts).filter((name) => !name.startsWith('sly') && name !== 'runs')).toEqual([]);
  expect(readdirSync(dir, { recursive: true }).filter((p) => String(p).includes('escaped'))).toEqual([]);
  expect(existsSync(escape)).toBe(false);
}, 120_000);
