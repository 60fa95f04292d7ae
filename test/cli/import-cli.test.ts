// `train --model-file`: an ONNX file made elsewhere trains from the command line, its trained copy
// is the same graph with new values, a checkpoint resumes it, and mistakes get one line.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel } from '../../src/onnx/decode';
import { cli } from '../helpers/cli';
import { mlpNodes, mlpWeights, model, residualModel } from '../helpers/hand-made-onnx';

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);
let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
  file = join(dir, 'tiny-mlp.onnx');
  writeFileSync(file, model(mlpNodes(), mlpWeights()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('train --model-file trains the file, writes <artifacts>/<its name>.onnx with the same graph, and evaluate scores it', () => {
  const artifacts = join(dir, 'a');
  const r = cli('train', '--model-file', file, '--epochs', '2', '--limit', '5000', '--batch-size', '20', '--lr', '0.05', '--artifacts', artifacts, '--no-progress', '--checkpoint-every', '1');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/imported tiny-mlp: 4 tensors train \(12,730 values\), 0 stay as they are \(0 values\)/);
  expect(r.out).toMatch(/training tiny-mlp on 5,000 MNIST images/);
  const trained = join(artifacts, 'tiny-mlp.onnx');
  const [before, after] = [decodeModel(readFileSync(file)), decodeModel(readFileSync(trained))];
  expect(after.graph.nodes.map((n) => n.name)).toEqual(before.graph.nodes.map((n) => n.name));
  expect(after.metadata).toEqual(before.metadata);
  expect(after.graph.initializers[0].data).not.toEqual(before.graph.initializers[0].data);
  const e = cli('evaluate', '--model-file', trained, '--min-accuracy', '0.6', '--no-details');
  expect(e.code).toBe(0);

  // The checkpoint (saved after epoch 1) names the file: --resume re-imports it and goes on.
  const resumed = cli('train', '--resume', join(artifacts, 'tiny-mlp.ckpt'), '--epochs', '3', '--no-progress');
  expect(resumed.code).toBe(0);
  expect(resumed.out).toMatch(/resuming .*tiny-mlp\.ckpt at epoch 2, step 0: training tiny-mlp/);
  expect(resumed.out).toMatch(/training acc at epoch 3\/3/);
});

test('--freeze keeps tensors as they are, and the trained file holds their exact bytes', () => {
  const artifacts = join(dir, 'b');
  const r = cli('train', '--model-file', file, '--freeze', 'w1', 'b1', '--epochs', '1', '--limit', '500', '--artifacts', artifacts, '--no-progress');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/imported tiny-mlp: 2 tensors train \(170 values\), 2 stay as they are \(12,560 values\)/);
  const [before, after] = [decodeModel(readFileSync(file)), decodeModel(readFileSync(join(artifacts, 'tiny-mlp.onnx')))];
  expect(after.graph.initializers[0].data).toEqual(before.graph.initializers[0].data);
  expect(after.graph.initializers[2].data).not.toEqual(before.graph.initializers[2].data);
});

test('build-model --model-file --format ort-training writes the training-API artifacts for the file; check-ep and compare-ep take it', () => {
  const artifacts = join(dir, 'd');
  const built = cli('build-model', '--model-file', file, '--format', 'ort-training', '--artifacts', artifacts);
  expect(built.code).toBe(0);
  expect(built.out).toMatch(/tiny-mlp: 12,730 parameters train, training step of \d+ ONNX nodes/);
  for (const f of ['training_model.onnx', 'eval_model.onnx', 'optimizer_model.onnx', 'checkpoint']) expect(existsSync(join(artifacts, 'ort-training', 'tiny-mlp', f))).toBe(true);
  const checked = cli('check-ep', '--ep', 'cpu', '--model-file', file);
  expect(checked.code).toBe(0);
  expect(checked.out).toMatch(/ok {3}tiny-mlp training step: \d+ nodes/);
  expect(checked.out).not.toMatch(/ lenet training step/); // only the imported model's graphs
  const compared = cli('compare-ep', '--ep', 'cpu', '--model-file', file, '--steps', '2', '--batch-size', '8');
  expect(compared.code).toBe(0);
  expect(compared.out).toMatch(/2 steps of tiny-mlp \(batch 8, SGD lr 0\.03\) on cpu against the CPU/);
});

test('--batch-norm train: the running statistics train as model state, and land in the trained file', () => {
  const residual = join(dir, 'residual.onnx');
  writeFileSync(residual, residualModel());
  const artifacts = join(dir, 'e');
  const r = cli('train', '--model-file', residual, '--batch-norm', 'train', '--epochs', '1', '--limit', '200', '--batch-size', '50', '--artifacts', artifacts, '--no-progress');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/imported residual: 11 tensors train \(398 values\), 0 stay as they are \(0 values\), 6 running statistics move with the batches \(--batch-norm train\)/);
  const [before, after] = [decodeModel(readFileSync(residual)), decodeModel(readFileSync(join(artifacts, 'residual.onnx')))];
  const mean = (m: typeof before) => m.graph.initializers.find((t) => t.name === 'bn0.mean')!.data;
  expect(mean(after)).not.toEqual(mean(before));
  const refused = cli('train', '--model-file', residual, '--batch-norm', 'train', '--replicas', '2', '--epochs', '1', '--limit', '100', '--artifacts', artifacts, '--no-progress');
  expect(refused.code).toBe(2);
  expect(refused.err).toMatch(/^error: .*residual/);
  noStack(refused.err);
});

test('a node name with a terminal escape sequence and a line break is shown escaped, on one line', () => {
  const nodes = mlpNodes();
  nodes[2] = { ...nodes[2], name: 'evil\u001b[2J\nerror: fake', opType: 'Abs' };
  const evil = join(dir, 'evil.onnx');
  writeFileSync(evil, model(nodes, mlpWeights()));
  const r = cli('train', '--model-file', evil, '--epochs', '1', '--limit', '100', '--artifacts', join(dir, 'f'), '--no-progress');
  expect(r.code).toBe(2);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toContain("node 'evil\\x1b[2J\\x0aerror: fake' (Abs) has no gradient rule");
  expect(r.err).not.toContain('\u001b');
});

test.each([
  ['a missing file', ['--model-file', '/nonexistent/m.onnx'], /^error: .*m\.onnx/],
  ['a file that is not ONNX', ['--model-file', 'package.json'], /^error: \S*package\.json: not an ONNX model/],
  ['--model with --model-file', ['--model', 'lenet', '--model-file', 'x.onnx'], /^error: --model and --model-file name two models: give one/],
  ['--freeze without --model-file', ['--freeze', 'w1'], /^error: --freeze goes with --model-file/],
  ['a pattern that names nothing', ['--model-file', '<file>', '--trainable', 'fc.*'], /^error: trainable 'fc\.\*' names no float initializer of the model \(it has 4: w1, b1, w2, b2\)/],
])('train with %s: one line, exit 2', (_what, args, message) => {
  const r = cli('train', ...args.map((a) => (a === '<file>' ? file : a)), '--epochs', '1', '--limit', '100', '--artifacts', join(dir, 'c'), '--no-progress');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  noStack(r.err);
  expect(existsSync(join(dir, 'c', 'tiny-mlp.onnx'))).toBe(false);
});
