// `predict` on pictures the test draws: MNIST test digits at 4x, dark on a white page, off-centre,
// as PNG and JPEG. The preprocessing must bring them back to MNIST's convention.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { readGrayImage } from '../../src/data/image-file';
import { loadSplit } from '../../src/data/mnist';
import { toMnistInput } from '../../src/inference/preprocess';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { cli } from '../helpers/cli';


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
