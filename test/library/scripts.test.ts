// The examples in scripts/ run as a user runs them (quick versions: --limit, one epoch), using only
// the library's public API.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSplit } from '../../src/data/dataset-files';
import { ROOT } from '../helpers/cli';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { writeDigitFolder } from '../helpers/mnist-pictures';

const script = (name: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', name), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MNIST_DIR } });

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-scripts-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the examples import nothing but the public API (src/index.ts) and their own helpers', () => {
  for (const file of readdirSync(join(ROOT, 'scripts'))) {
    const imports = [...readFileSync(join(ROOT, 'scripts', file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => i.startsWith('.') && i !== '../src/index' && !i.startsWith('./'))).toEqual([]);
  }
});

test('train-lenet and train-own-cnn train, score and export', () => {
  for (const name of ['train-lenet.ts', 'train-own-cnn.ts']) {
    const out = join(dir, `${name}.onnx`);
    const r = script(name, '--epochs', '1', '--limit', '1000', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^epoch 1\/1: accuracy=0\.\d{4}/m);
    expect(r.stdout).toMatch(new RegExp(`test accuracy 0\\.\\d{4}.*; wrote ${out}`));
  }
});

test('fine-tune-folder raises the held-out accuracy of a weak model on a folder of pictures', async () => {
  const weak = join(dir, 'weak.onnx');
  expect(script('train-lenet.ts', '--epochs', '1', '--limit', '300', '--out', weak).status).toBe(0);
  const pictures = join(dir, 'pictures');
  await writeDigitFolder(pictures, loadSplit(MNIST_DIR, 'test'), 20);
  const r = script('fine-tune-folder.ts', '--model-file', weak, '--pictures', pictures, '--epochs', '10', '--out', join(dir, 'tuned.onnx'));
  expect(r.status).toBe(0);
  const [, before, after] = /held-out accuracy (\S+) -> (\S+) \(50 pictures\)/.exec(r.stdout)!;
  expect(Number(after)).toBeGreaterThan(Number(before));
  const bad = script('fine-tune-folder.ts', '--model-file', join(dir, 'missing.onnx'), '--pictures', pictures);
  expect(bad.status).toBe(1);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
});
