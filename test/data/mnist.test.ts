// The real MNIST, as CI reads it.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSplit, MNIST_FILES } from '../../src/data/dataset-files';
import { MNIST_DIR } from '../helpers/mnist-dir';

test('the built-in checksums are those of the real files', () => {
  for (const { file, sha256 } of Object.values(MNIST_FILES)) {
    expect(createHash('sha256').update(readFileSync(join(MNIST_DIR, file))).digest('hex')).toBe(sha256);
  }
});

test('train and test splits load with their sizes and all ten classes', () => {
  const train = loadSplit(MNIST_DIR, 'train');
  const test = loadSplit(MNIST_DIR, 'test');
  expect([train.images.count, train.images.rows, train.images.cols]).toEqual([60000, 28, 28]);
  expect(test.images.count).toBe(10000);
  const counts = new Array(10).fill(0);
  test.labels.forEach((l) => counts[l]++);
  expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
});

test('a directory where an IDX file should be is named as such', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-mn-'));
  try {
    for (const { file } of Object.values(MNIST_FILES)) copyFileSync(join(MNIST_DIR, file), join(dir, file));
    rmSync(join(dir, MNIST_FILES.testLabels.file));
    mkdirSync(join(dir, MNIST_FILES.testLabels.file));
    expect(() => loadSplit(dir, 'test')).toThrow(/t10k-labels-idx1-ubyte\.gz: is a directory, not an IDX file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
