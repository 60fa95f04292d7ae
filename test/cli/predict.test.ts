// `predict` on pictures the test draws: MNIST test digits at 4x, dark on a white page, off-centre,
// as PNG and JPEG. The preprocessing must bring them back to MNIST's convention.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { readGrayImage } from '../../src/data/image-file';
import { loadSplit } from '../../src/data/dataset-files';
import { toMnistInput } from '../../src/inference/preprocess';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { attr, Value } from '../../src/graph/types';
import { encodeModel } from '../../src/onnx/encode';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { cli } from '../helpers/cli';
import { asModel } from '../helpers/run-model';


const test10k = loadSplit(MNIST_DIR, 'test');
const SAMPLES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
let dir: string;

async function drawDigit(i: number, file: string, format: 'png' | 'jpeg') {
  const ink = Buffer.from(test10k.images.pixels.subarray(i * 784, (i + 1) * 784).map((v) => 255 - v));
  const big = await sharp(ink, { raw: { width: 28, height: 28, channels: 1 } }).resize(112, 112, { kernel: 'cubic' }).png().toBuffer();
  const page = sharp({ create: { width: 240, height: 180, channels: 3, background: '#ffffff' } }).composite([{ input: big, left: 20 + 7 * i, top: 30 + 3 * i }]);
  await (format === 'png' ? page.png() : page.jpeg({ quality: 90 })).toFile(file);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-pred-'));
  for (const i of SAMPLES) await drawDigit(i, join(dir, `d${i}.${i % 2 ? 'jpg' : 'png'}`), i % 2 ? 'jpeg' : 'png');
  expect(cli('train', '--artifacts', dir, '--limit', '20000', '--epochs', '2', '--no-progress').code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('preprocessing a 4x dark-on-light drawing gives back nearly the MNIST digit', async () => {
  for (const i of SAMPLES) {
    const x = toMnistInput(await readGrayImage(join(dir, `d${i}.${i % 2 ? 'jpg' : 'png'}`)));
    const original = test10k.images.pixels.subarray(i * 784, (i + 1) * 784);
    let dot = 0, nx = 0, no = 0;
    x.forEach((v, k) => { dot += v * original[k]; nx += v * v; no += original[k] ** 2; });
    expect(dot / Math.sqrt(nx * no)).toBeGreaterThan(0.85); // cosine similarity with the source digit
  }
});

test('predict names the drawn digits (PNG and JPEG), --json', () => {
  const files = SAMPLES.map((i) => join(dir, `d${i}.${i % 2 ? 'jpg' : 'png'}`));
  const r = cli('predict', ...files, '--artifacts', dir, '--json');
  expect(r.code).toBe(0);
  const results = JSON.parse(r.out) as { file: string; top: { digit: number; probability: number }[] }[];
  expect(results.map((p) => p.top.length)).toEqual(SAMPLES.map(() => 3));
  const right = results.filter((p, k) => p.top[0].digit === test10k.labels[SAMPLES[k]]).length;
  expect(right).toBeGreaterThanOrEqual(SAMPLES.length - 1);
  for (const p of results) expect(p.top[0].probability).toBeGreaterThanOrEqual(p.top[1].probability);
});

test('text output, and a file that is not an image: one clear line, exit 2', () => {
  const ok = cli('predict', join(dir, 'd0.png'), '--artifacts', dir);
  expect(ok.out).toMatch(/d0\.png: 7 \(\d\.\d{3}\), \d \(\d\.\d{3}\), \d \(\d\.\d{3}\)/);
  writeFileSync(join(dir, 'notes.txt'), 'not a picture');
  const bad = cli('predict', join(dir, 'notes.txt'), '--artifacts', dir);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/notes\.txt: not an image that can be read/);
  expect(bad.err).not.toMatch(/^\s+at /m);
});

test('a folder of pictures and a --list file classify the same pictures, in order', () => {
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  for (const i of [0, 2, 4]) copyFileSync(join(dir, `d${i}.png`), join(folder, `d${i}.png`));
  writeFileSync(join(folder, 'readme.txt'), 'not a picture, skipped in a folder');
  const list = join(dir, 'list.txt');
  writeFileSync(list, [0, 2, 4].map((i) => join(folder, `d${i}.png`)).join('\n') + '\n\n');
  const byFolder = cli('predict', folder, '--artifacts', dir, '--json');
  const byList = cli('predict', '--list', list, '--artifacts', dir, '--json');
  expect(byFolder.code).toBe(0);
  expect(byList.code).toBe(0);
  expect(JSON.parse(byFolder.out)).toEqual(JSON.parse(byList.out));
  expect((JSON.parse(byList.out) as { file: string }[]).map((r) => r.file)).toEqual([0, 2, 4].map((i) => join(folder, `d${i}.png`)));
  const empty = join(dir, 'empty-list.txt');
  writeFileSync(empty, '\n');
  expect(cli('predict', '--list', empty, '--artifacts', dir).err).toBe(`error: ${empty}: the list names no pictures\n`);
  expect(cli('predict', '--artifacts', dir).err).toMatch(/^error: name the pictures to classify: files, folders, or --list FILE\n$/);
});

test('2,000 pictures: on the command line refused in one line (ONNX Runtime would crash), through --list classified', async () => {
  const many = join(dir, 'many');
  mkdirSync(many);
  const files = Array.from({ length: 2000 }, (_, k) => join(many, `picture-of-a-handwritten-digit-${String(k).padStart(5, '0')}.png`));
  for (const f of files) copyFileSync(join(dir, 'd0.png'), f);
  const long = cli('predict', ...files, '--artifacts', dir);
  expect(long.code).toBe(2);
  expect(long.err).toMatch(/^error: the command line is [\d,]+ bytes; ONNX Runtime crashes on command lines over about 28 KB\. Name a folder of pictures, or list them in a file with --list FILE\n$/);
  const list = join(dir, 'many.txt');
  writeFileSync(list, files.join('\n'));
  const r = cli('predict', '--list', list, '--artifacts', dir, '--json');
  expect(r.code).toBe(0);
  const results = JSON.parse(r.out) as { top: { digit: number }[] }[];
  expect(results).toHaveLength(2000);
  expect(new Set(results.map((p) => p.top[0].digit))).toEqual(new Set([7]));
}, 180_000);

test('--top must be a positive integer', () => {
  for (const top of ['0', '-1', 'abc', '1.5']) {
    const r = cli('predict', join(dir, 'd0.png'), '--artifacts', dir, '--top', top);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: --top must be a positive integer, got/);
  }
});

test('blank, black and 1x1 pictures: "no digit found", not a confident digit', async () => {
  const white = join(dir, 'white.png');
  const black = join(dir, 'black.png');
  const tiny = join(dir, 'tiny.png');
  await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ffffff' } }).png().toFile(white);
  await sharp({ create: { width: 100, height: 100, channels: 3, background: '#000000' } }).png().toFile(black);
  await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } }).png().toFile(tiny);
  const r = cli('predict', white, black, tiny, join(dir, 'd0.png'), '--artifacts', dir);
  expect(r.code).toBe(0);
  expect(r.out.split('\n').slice(0, 4)).toEqual([
    `${white}: no digit found (the picture is blank (one flat colour))`,
    `${black}: no digit found (the picture is blank (one flat colour))`,
    `${tiny}: no digit found (the picture is 1x1 pixels, too small for a digit)`,
    expect.stringMatching(/d0\.png: 7 \(/),
  ]);
});

/** A classifier [N,1,28,28] -> outputs, with a body of our choosing: declared [N,10] whatever it computes. */
function fakeClassifier(file: string, body: (b: GraphBuilder, x: Value) => Value[]) {
  const b = new GraphBuilder('fake');
  const x = b.input('input', 'float32', ['N', 1, 28, 28]);
  body(b, x).forEach((v, k) => {
    v.shape = ['N', 10];
    b.output(v, `out${k}`);
  });
  writeFileSync(file, encodeModel(asModel(b.build())));
}

test('models whose real output is wrong: 5 classes, probabilities first, NaN scores', () => {
  const flat = (b: GraphBuilder, x: Value) => b.reshape(x, [-1, 784]);
  const five = join(dir, 'five.onnx');
  fakeClassifier(five, (b, x) => [b.gemm(flat(b, x), b.constant('float32', [784, 5], new Float32Array(784 * 5).fill(0.01)), null)]);
  const r5 = cli('predict', join(dir, 'd0.png'), '--model-file', five);
  expect(r5.err).toBe(`error: ${five}: output 'out0' really has shape [1,5], expected [N,10] (one score per class)\n`);
  expect(r5.code).toBe(2);
  const e5 = cli('evaluate', '--model-file', five);
  expect(e5.err).toMatch(/five\.onnx: output 'out0' really has shape \[250,5\], expected \[N,10\]/);
  expect(e5.code).toBe(2);

  const probsFirst = join(dir, 'probs-first.onnx');
  const weights = new Float32Array(784 * 10).map((_, k) => (k % 10 === 3 ? 0.2 : 0));
  fakeClassifier(probsFirst, (b, x) => {
    const logits = b.gemm(flat(b, x), b.constant('float32', [784, 10], weights), null);
    return [b.op('Softmax', [logits], { axis: attr.int(1) })[0], logits];
  });
  const rp = cli('predict', join(dir, 'd0.png'), '--model-file', probsFirst, '--json');
  expect(rp.code).toBe(0);
  const top = (JSON.parse(rp.out) as { top: { digit: number; probability: number }[] }[])[0].top[0];
  expect(top.digit).toBe(3);
  expect(top.probability).toBeGreaterThan(0.9); // not softmax(softmax(.)), which would be near 0.23

  const nan = join(dir, 'nan.onnx');
  fakeClassifier(nan, (b, x) => [b.gemm(flat(b, x), b.constant('float32', [784, 10], new Float32Array(7840).fill(NaN)), null)]);
  const rn = cli('predict', join(dir, 'd0.png'), '--model-file', nan);
  expect(rn.err).toBe(`error: ${nan}: output 'out0' holds NaN for image 1; the model's weights may be broken\n`);
  expect(rn.code).toBe(2);
});
