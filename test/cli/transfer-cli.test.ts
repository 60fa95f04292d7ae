// `train --model-file M --new-head` from the command line on a small folder of pictures: the head
// for the folder's classes, the plan line, a checkpoint that resumes the same cut, evaluate and
// predict on the result by its class names; the flags' mistakes in one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets } from '../../src/index';
import { decodeModel } from '../../src/onnx/decode';
import { cli } from '../helpers/cli';
import { residualModel } from '../helpers/hand-made-onnx';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { writeDigitFolder } from '../helpers/mnist-pictures';

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);
let dir: string;
let file: string;
let folder: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'transfer-cli-'));
  file = join(dir, 'resnetish.onnx');
  writeFileSync(file, residualModel());
  folder = join(dir, 'pictures');
  await writeDigitFolder(folder, await datasets.mnist({ dir: MNIST_DIR }), 30, [0, 1, 7]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('--new-head trains a head for the folder\'s classes, resumes the same cut, and evaluate/predict name the classes', () => {
  const artifacts = join(dir, 'a');
  const r = cli('train', '--model-file', file, '--data-dir', folder, '--new-head', '--epochs', '2', '--batch-size', '10', '--lr', '0.1', '--artifacts', artifacts, '--no-progress', '--checkpoint-every', '1', '--cache-features');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/imported resnetish: 2 tensors train \(15 values\), 15 stay as they are/);
  expect(r.out).toMatch(/features of 90 samples computed once \(4 values each/);
  const trained = join(artifacts, 'resnetish.onnx');
  const m = decodeModel(readFileSync(trained));
  expect(m.metadata).toMatchObject({ class_labels: 'one,seven,zero' });
  expect(m.graph.outputs.map((o) => o.shape)).toEqual([['N', 3]]);

  const resumed = cli('train', '--resume', join(artifacts, 'resnetish.ckpt'), '--data-dir', folder, '--epochs', '3', '--no-progress');
  expect(resumed.err).toBe('');
  expect(resumed.code).toBe(0);
  expect(resumed.out).toMatch(/imported resnetish: 2 tensors train \(15 values\)/);
  expect(resumed.out).toMatch(/training acc at epoch 3\/3/);

  const e = cli('evaluate', '--model-file', trained, '--data-dir', folder, '--min-accuracy', '0');
  expect(e.code).toBe(0);
  expect(e.out).toMatch(/classes: 0 one, 1 seven, 2 zero/);
  const p = cli('predict', '--model-file', trained, join(folder, 'seven'), '--json', '--top', '3');
  expect(p.code).toBe(0);
  const first = (JSON.parse(p.out) as { top: { class: string; index: number }[] }[])[0].top;
  expect(first.map((t) => t.class).sort()).toEqual(['one', 'seven', 'zero']);
  expect(first.every((t) => t.class === ['one', 'seven', 'zero'][t.index])).toBe(true);
});

test.each([
  [['--new-head', '--data-dir', 'PICTURES'], '--new-head goes with --model-file (an imported model)'],
  [['--model-file', 'MODEL', '--head-after', 'r'], '--head-after goes with --new-head'],
  [['--model-file', 'MODEL', '--cache-features'], '--cache-features goes with --new-head'],
  [['--model-file', 'MODEL', '--mean', '0.5,x'], "--mean takes numbers separated by commas (one, or one per channel), got '0.5,x'"],
  [['--model-file', 'MODEL', '--mean', '0.5,0.5,0.5'], "the pixel mean has 3 values; the model's input has 1 channels"],
  [['--model-file', 'MODEL', '--data-dir', 'PICTURES', '--new-head', '--head-after', 'nowhere'], "no node or tensor named 'nowhere' to put the new head after"],
  [['--model-file', 'MODEL', '--data-dir', 'PICTURES', '--new-head', '--train-backbone', '--cache-features'], 'cacheFeatures needs the backbone frozen'],
  [['--model-file', 'MODEL', '--data-dir', 'PICTURES'], 'has 3 class folders (one, seven, zero); resnetish predicts 10 classes: use a model with 3 (or --new-head for an imported one)'],
])('train %j is refused in one line', (flags, message) => {
  const args = flags.map((f) => (f === 'MODEL' ? file : f === 'PICTURES' ? folder : f));
  const r = cli('train', ...args, '--artifacts', join(dir, 'refused'), '--epochs', '1', '--no-progress');
  expect(r.code).toBe(2);
  expect(r.err).toContain(message);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  noStack(r.err);
});


test('build-model --new-head --classes writes the training-API artifacts for the new head (generate_artifacts for transfer learning); train --engine ort-training runs them', () => {
  const artifacts = join(dir, 'ort');
  const b = cli('build-model', '--model-file', file, '--new-head', '--classes', 'one,seven,zero', '--format', 'ort-training', '--artifacts', artifacts);
  expect(b.err).toBe('');
  expect(b.code).toBe(0);
  expect(b.out).toMatch(/resnetish: 15 parameters train/);
  expect(b.out).toMatch(/ort-training\/resnetish\/\{training_model\.onnx, eval_model\.onnx, optimizer_model\.onnx, checkpoint\}/);
  const t = cli('train', '--model-file', file, '--data-dir', folder, '--new-head', '--engine', 'ort-training', '--epochs', '1', '--batch-size', '10', '--artifacts', artifacts, '--no-progress');
  expect(t.err).toBe('');
  expect(t.code).toBe(0);
  expect(decodeModel(readFileSync(join(artifacts, 'resnetish.onnx'))).metadata).toMatchObject({ class_labels: 'one,seven,zero' });
  const refused = cli('build-model', '--model-file', file, '--classes', '3', '--artifacts', artifacts);
  expect(refused.err.trim()).toBe('error: --classes goes with --new-head');
  const missing = cli('build-model', '--model-file', file, '--new-head', '--artifacts', artifacts);
  expect(missing.err.trim()).toBe('error: --new-head needs --classes here: names ("cat,dog,fox") or a count');
});
