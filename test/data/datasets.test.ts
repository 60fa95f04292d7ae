// The dataset catalog against the real files: Fashion-MNIST loads under its own name, and a folder
// holding one dataset is refused, by its checksums, when the other is asked for (same file names).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FASHION_MNIST, MNIST } from '../../src/data/dataset-catalog';
import { DataError } from '../../src/data/idx-file';
import { datasetNamed, loadSplit, shapeMismatch } from '../../src/data/dataset-files';
import { FASHION_MNIST_DIR } from '../helpers/fashion-mnist-dir';
import { MNIST_DIR } from '../helpers/mnist-dir';

const unpackedSha256 = (dir: string, file: string) => {
  const bytes = readFileSync(join(dir, file));
  return createHash('sha256').update(file.endsWith('.gz') ? gunzipSync(bytes) : bytes).digest('hex');
};

test.each([
  [MNIST, MNIST_DIR],
  [FASHION_MNIST, FASHION_MNIST_DIR],
])('the catalog holds the checksums of the real unpacked %s files', (dataset, dir) => {
  for (const { file, sha256 } of Object.values(dataset.files)) expect(unpackedSha256(dir, file)).toBe(sha256);
});

test('Fashion-MNIST loads: 60,000 and 10,000 images of 28x28, each of its ten classes a tenth of them', () => {
  const train = loadSplit(FASHION_MNIST_DIR, 'train', FASHION_MNIST);
  const test = loadSplit(FASHION_MNIST_DIR, 'test', FASHION_MNIST);
  expect([train.name, train.images.count, train.images.rows, train.images.cols]).toEqual(['fashion-mnist-train', 60000, 28, 28]);
  expect(test.images.count).toBe(10000);
  const counts = new Array(10).fill(0);
  train.labels.forEach((l) => counts[l]++);
  expect(counts).toEqual(new Array(10).fill(6000));
  expect(FASHION_MNIST.classes[9]).toBe('Ankle boot');
});

test('a folder holding the other dataset is recognised by its checksums and refused, naming the right --dataset', () => {
  expect(() => loadSplit(FASHION_MNIST_DIR, 'train', MNIST)).toThrow(DataError);
  expect(() => loadSplit(FASHION_MNIST_DIR, 'train', MNIST)).toThrow(
    `${FASHION_MNIST_DIR} holds Fashion-MNIST, not MNIST (train-images-idx3-ubyte.gz has Fashion-MNIST's checksum): pass --dataset fashion-mnist, or point --data-dir at MNIST`,
  );
  expect(() => loadSplit(MNIST_DIR, 'test', FASHION_MNIST)).toThrow(/holds MNIST, not Fashion-MNIST .*: pass --dataset mnist,/);
});

test('a model is checked against the dataset\'s sample shape and classes', () => {
  expect(shapeMismatch(FASHION_MNIST, { name: 'lenet', sampleDims: [1, 28, 28], classes: 10 })).toBeUndefined();
  expect(shapeMismatch(FASHION_MNIST, { name: 'rgb-net', sampleDims: [3, 32, 32], classes: 10 })).toBe("rgb-net takes samples of 3x32x32, but Fashion-MNIST's are 1x28x28");
  expect(shapeMismatch(MNIST, { name: 'binary', sampleDims: [1, 28, 28], classes: 2 })).toBe('binary has 2 classes, but MNIST has 10');
  expect(datasetNamed(undefined)).toBe(MNIST);
  expect(() => datasetNamed('cifar')).toThrow("unknown dataset 'cifar' (known: mnist, fashion-mnist)");
});
