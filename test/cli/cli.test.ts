// The command line as a user runs it: real processes, exit codes, one-line errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MNIST_DIR } from '../helpers/mnist-dir';

const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function cli(...args: string[]) {
  const r = spawnSync(TSX, [join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MNIST_DIR },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-cli-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('build-model writes the training step and the initial model', () => {
  const r = cli('build-model', '--artifacts', dir);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/lenet: 431,080 parameters, training step of \d+ ONNX nodes/);
  expect(existsSync(join(dir, 'lenet.training.onnx'))).toBe(true);
  expect(existsSync(join(dir, 'lenet.init.onnx'))).toBe(true);
});

test.each([
  [['train', '--lr', '-1'], /--lr must be a positive number, got -1/],
  [['train', '--epochs', 'ten'], /--epochs must be a positive integer, got NaN/],
  [['train', '--batch-size', '2.5'], /--batch-size must be a positive integer/],
  [['train', '--ep', 'tpu'], /Invalid values:[\s\S]*ep/],
  [['train', '--threads', '-2'], /--threads must be 0 or a positive integer/],
  [['evaluate', '--bogus-flag'], /Unknown argument/],
  [['frobnicate'], /Unknown argument|name a command/],
])('bad option %j: one clear message, exit 2', (args, message) => {
  const r = cli(...(args as string[]));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
  noStack(r.err);
});

test('evaluate without a trained model says what to do', () => {
  const r = cli('evaluate', '--model-file', join(dir, 'missing.onnx'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/missing.onnx: no such model; train one first/);
  noStack(r.err);
});

test('evaluate on a file that is not ONNX: clear error, exit 2', () => {
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, 'not a model at all');
  const r = cli('evaluate', '--model-file', junk);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: ONNX Runtime could not load the model/);
  noStack(r.err);
});

test('evaluate scores the untrained model at chance level and exits non-zero below --min-accuracy', () => {
  const r = cli('evaluate', '--model-file', join(dir, 'lenet.init.onnx'), '--min-accuracy', '0.5');
  expect(r.out).toMatch(/validation acc: accuracy=0\.\d{4} \(\d+\/10000/);
  const acc = Number(/accuracy=(\d\.\d+)/.exec(r.out)![1]);
  expect(acc).toBeLessThan(0.3);
  expect(r.err).toMatch(/below --min-accuracy 0.5/);
  expect(r.code).toBe(1);
});

test('a batch larger than the dataset is refused', () => {
  const r = cli('train', '--artifacts', dir, '--batch-size', '100000');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--batch-size 100000 is larger than the 60000 training images/);
});
