// Training on a folder of pictures, one sub-folder per class, made here from MNIST digits as PNG
// files: decoding, class names from the folder names, a held-out split, training and the class
// names in the exported model.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Dataset, datasets, defineModel, evaluate, exportModel, train } from '../../src/index';
import { models } from '../../src/index';
import { decodeModel } from '../../src/onnx/decode';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { DIGIT_NAMES, pngOf, writeDigitFolder } from '../helpers/mnist-pictures';

const NAMES = DIGIT_NAMES;
const PER_CLASS = 40;
let dir: string;
let mnist: Dataset;
const png = pngOf;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-folder-'));
  mnist = await datasets.mnist({ dir: MNIST_DIR });
  await writeDigitFolder(join(dir, 'digits'), mnist, PER_CLASS);
  writeFileSync(join(dir, 'digits', 'README.txt'), 'not a class');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an image folder loads with its folder names as classes (sorted), pixels exact for 28x28 PNGs', async () => {
  const d = await datasets.imageFolder(join(dir, 'digits'));
  expect(d.images.count).toBe(10 * PER_CLASS);
  expect(d.classNames).toEqual([...NAMES].sort());
  // the first picture of class 'eight' is MNIST's first 8
  const firstEight = Array.from(mnist.labels).indexOf(8);
  expect(d.classNames![d.labels[0]]).toBe('eight');
  expect(Array.from(d.images.pixels.subarray(0, 784))).toEqual(Array.from(mnist.images.pixels.subarray(firstEight * 784, (firstEight + 1) * 784)));
});

test('pictures of another size are resized to the model input; a split holds out a share of each class', async () => {
  const big = join(dir, 'big');
  for (const [label, name] of [[0, 'a'], [1, 'b']] as const) {
    mkdirSync(join(big, name), { recursive: true });
    for (let k = 0; k < 5; k++) {
      const s = Array.from(mnist.labels).indexOf(label, k * 100);
      const upscaled = await sharp(await png(mnist.images.pixels.subarray(s * 784, (s + 1) * 784), 28)).resize(56, 56).png().toBuffer();
      writeFileSync(join(big, name, `${k}.png`), upscaled);
    }
  }
  const d = await datasets.imageFolder(big);
  expect([d.images.rows, d.images.cols, d.images.count]).toEqual([28, 28, 10]);
  const { train: rest, validation } = datasets.split(d, 0.2, 1);
  expect([rest.images.count, validation.images.count]).toEqual([8, 2]);
  expect(Array.from(validation.labels).sort()).toEqual([0, 1]);
});

test('LeNet trains on the folder end to end; its exported model names the classes as the folders do', async () => {
  const d = await datasets.imageFolder(join(dir, 'digits'));
  const { train: trainPart, validation } = datasets.split(d, 0.25, 7);
  const trained = await train(models.lenet, trainPart, { epochs: 6, batchSize: 20, optimizer: 'adamw', learningRate: 2e-3, validation: { data: validation, every: 6 }, threads: 1 });
  expect(trained.valAccuracy).toBeGreaterThan(0.5); // 300 training pictures; chance is 0.1
  expect((await evaluate(trained, validation)).accuracy).toBe(trained.valAccuracy);
  const file = join(dir, 'digits.onnx');
  exportModel(trained, file);
  expect(decodeModel(readFileSync(file)).metadata?.class_labels).toBe([...NAMES].sort().join(','));
});

test.each([
  ['a folder with one class', (root: string) => mkdirSync(join(root, 'only'), { recursive: true }), /only one class folder; an image folder holds one sub-folder of pictures per class/],
  ['a class folder without pictures', (root: string) => ['a', 'b'].forEach((c) => mkdirSync(join(root, c), { recursive: true })), /class 'a' has no pictures/],
  ['a picture that cannot be decoded', (root: string) => {
    for (const c of ['a', 'b']) mkdirSync(join(root, c), { recursive: true });
    writeFileSync(join(root, 'a', 'x.png'), 'not a png');
    writeFileSync(join(root, 'b', 'y.png'), 'not a png either');
  }, /a[/\\]x\.png: not an image that can be read/],
])('%s is refused with a clear message', async (_, make, message) => {
  const root = mkdtempSync(join(dir, 'bad-'));
  make(root);
  await expect(datasets.imageFolder(root)).rejects.toThrow(message);
});

test('defineModel takes a class count of the folder: a 3-class model on 3 class folders', async () => {
  const three = defineModel({ ...models.mlp, name: 'mlp3', classes: 3, params: models.mlp.params.map((p) => (p.name === 'dense3.weight' ? { ...p, dims: [3, 64] } : p.name === 'dense3.bias' ? { ...p, dims: [3] } : p)) });
  const root = join(dir, 'three');
  await writeDigitFolder(root, mnist, 10, [0, 1, 2]);
  const d = await datasets.imageFolder(root);
  const trained = await train(three, d, { epochs: 3, batchSize: 10, threads: 1 });
  expect(trained.classNames).toEqual(['one', 'two', 'zero']);
  await expect(train(models.lenet, d)).rejects.toThrow(`${root} has 3 classes; model 'lenet' predicts 10`);
});
