// `train --data-dir <pictures>` and `evaluate --data-dir <pictures>`: a folder of MNIST digits as
// PNG files, one sub-folder per class, trained on with a held-out share and scored.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSplit } from '../../src/data/dataset-files';
import { decodeModel } from '../../src/onnx/decode';
import { cli } from '../helpers/cli';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { DIGIT_NAMES, writeDigitFolder } from '../helpers/mnist-pictures';

let dir: string;
let pictures: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-pictures-'));
  pictures = join(dir, 'digits');
  await writeDigitFolder(pictures, loadSplit(MNIST_DIR, 'train'), 30);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('train on an image folder with a held-out share, export the folder names as classes, evaluate on the folder', () => {
  const art = join(dir, 'art');
  const t = cli('train', '--data-dir', pictures, '--val-fraction', '0.2', '--val-every', '4', '--epochs', '4', '--batch-size', '20', '--optimizer', 'adamw', '--lr', '0.002', '--artifacts', art, '--no-progress');
  expect(t.code).toBe(0);
  expect(t.out).toContain(`training lenet on 240 pictures from ${pictures} (10 classes, 60 held out): 4 epochs`);
  const val = Number(/epoch 4\/4: .* val accuracy=(\S+)/.exec(t.out)![1]);
  expect(val).toBeGreaterThan(0.4); // 240 training pictures; chance is 0.1
  const model = decodeModel(readFileSync(join(art, 'lenet.onnx')));
  expect(model.metadata?.class_labels).toBe([...DIGIT_NAMES].sort().join(','));
  const e = cli('evaluate', '--data-dir', pictures, '--artifacts', art, '--min-accuracy', '0');
  expect(e.code).toBe(0);
  expect(e.out).toMatch(/accuracy=\S+ \(\d+\/300,/);
  expect(e.out).toContain('rows: actual class');
  expect(e.out).toContain('classes: 0 eight, 1 five, 2 four');
});

test.each([
  [['--dataset', 'fashion-mnist'], `--data-dir PICTURES is a folder of pictures (class sub-folders), not fashion-mnist's files: drop --dataset`],
  [['--val-every', '1'], '--val-every on an image folder needs --val-fraction (the share of each class to hold out and score)'],
  [['--val-fraction', '1.5'], '--val-fraction must be between 0 and 1 (exclusive), got 1.5'],
])('train --data-dir <pictures> %j is refused in one line', (flags, message) => {
  const r = cli('train', '--data-dir', pictures, '--artifacts', join(dir, 'refused'), ...flags);
  expect(r.code).toBe(2);
  expect(r.err.trim()).toBe(`error: ${message.replace('PICTURES', pictures)}`);
});

test('a folder whose class count is not the model\'s, and --val-fraction on MNIST, are refused in one line', async () => {
  const three = join(dir, 'three');
  await writeDigitFolder(three, loadSplit(MNIST_DIR, 'train'), 3, [0, 1, 2]);
  const r = cli('train', '--data-dir', three, '--artifacts', join(dir, 'refused'));
  expect(r.code).toBe(2);
  expect(r.err.trim()).toBe(`error: ${three} has 3 class folders (one, two, zero); lenet predicts 10 classes: use a model with 3 (or --new-head for an imported one)`);
  const m = cli('train', '--val-fraction', '0.1', '--artifacts', join(dir, 'refused'));
  expect(m.code).toBe(2);
  expect(m.err.trim()).toBe('error: --val-fraction applies to image folders (--data-dir with one sub-folder per class); mnist has its own test split');
});
