// Transfer learning from the command line, measured: a backbone that learned MNIST digits 0-4 (one
// trained by the project, one by PyTorch and exported with its exporter) gets a new head for digits
// 5-9 from a folder of PNGs, trained with the backbone frozen, with and without cached features;
// and a colour CNN exported from PyTorch learns tinted digits from RGB pictures with ImageNet's
// normalization. Each is scored on pictures it never saw. The PyTorch parts need a Python with
// torch and onnx (required in CI).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Dataset, datasets, exportModel, models, train } from '../../src/index';
import { decodeModel } from '../../src/onnx/decode';
import { cli } from '../helpers/cli';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { writeDigitFolder } from '../helpers/mnist-pictures';
import { pythonWith } from '../helpers/python';

const python = pythonWith(['torch', 'onnx']);
if (!python && process.env.REQUIRE_TORCH) throw new Error('REQUIRE_TORCH is set but no Python with torch and onnx was found (set ONNX_PYTHON)');
if (!python) console.warn('skipping the PyTorch backbones: no Python with torch and onnx (set ONNX_PYTHON)');

const PER_CLASS = 500;
const HELD_OUT = 200;
const FIVE_TO_NINE = [5, 6, 7, 8, 9];
const RECIPE = ['--optimizer', 'adamw', '--lr', '0.01', '--epochs', '30', '--val-fraction', '0.2', '--val-every', '30', '--no-progress'];
let dir: string;
let train59: string;
let test59: string;
let mnist: Dataset;
const results: string[] = [];

/** The first `n` training images of digits 0-4, as a dataset with labels 0-4. */
function digitsBelowFive(d: Dataset, n: number): Dataset {
  const keep: number[] = [];
  for (let i = 0; i < d.images.count && keep.length < n; i++) if (d.labels[i] < 5) keep.push(i);
  const pixels = new Uint8Array(keep.length * 784);
  keep.forEach((s, i) => pixels.set(d.images.pixels.subarray(s * 784, (s + 1) * 784), i * 784));
  return datasets.fromArrays({ name: 'digits 0-4', pixels, rows: 28, cols: 28, labels: Uint8Array.from(keep, (s) => d.labels[s]) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'transfer-'));
  mnist = await datasets.mnist({ dir: MNIST_DIR });
  train59 = join(dir, 'train59');
  test59 = join(dir, 'test59');
  await writeDigitFolder(train59, mnist, PER_CLASS, FIVE_TO_NINE);
  await writeDigitFolder(test59, await datasets.mnist({ dir: MNIST_DIR, split: 'test' }), HELD_OUT, FIVE_TO_NINE);
}, 120_000);
afterAll(() => {
  console.log(`transfer learning (${PER_CLASS} pictures per class, 20% held out; scored on ${HELD_OUT} unseen test pictures per class):\n${results.join('\n')}`);
  rmSync(dir, { recursive: true, force: true });
});

/** The ONNX project's checker (full check, strict shape inference) accepts the file. */
function checkedByOnnx(file: string) {
  if (!python) return;
  const r = spawnSync(python, [join(__dirname, '../helpers/onnx_check.py'), file], { encoding: 'utf8' });
  expect(r.stdout.trim()).toBe(`ok ${file}`);
}

/** Fine-tunes a new head on the 5-9 folder (with and without cached features); both score >= 0.95 on unseen pictures, with the same parameters. */
function fineTuneNewHead(backbone: string, what: string, cut: string[] = []) {
  const runs = [[], ['--cache-features']].map((extra) => {
    const artifacts = join(dir, `${what}${extra.length ? '-cached' : ''}`);
    const started = performance.now();
    const r = cli('train', '--model-file', backbone, '--data-dir', train59, '--new-head', ...cut, ...RECIPE, '--artifacts', artifacts, ...extra);
    const seconds = (performance.now() - started) / 1000;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const held = Number(/val accuracy=(\d\.\d+)/.exec(r.out)![1]);
    const file = join(artifacts, 'backbone.onnx');
    const e = cli('evaluate', '--model-file', file, '--data-dir', test59, '--min-accuracy', '0.95', '--no-details');
    expect(e.err).toBe('');
    expect(e.code).toBe(0);
    const unseen = Number(/accuracy=(\d\.\d+)/.exec(e.out)![1]);
    return { held, unseen, seconds, file, out: r.out };
  });
  const [whole, cached] = runs;
  expect(cached.out).toMatch(/features of 2,000 samples and 500 held out computed once/);
  const [a, b] = [whole, cached].map((r) => decodeModel(readFileSync(r.file)).graph.initializers.find((t) => t.name === 'new_head.weight')!.data as Float32Array);
  let worst = 0;
  let scale = 0;
  a.forEach((x, i) => ((worst = Math.max(worst, Math.abs(x - b[i]))), (scale = Math.max(scale, Math.abs(x)))));
  expect(worst / scale).toBeLessThan(1e-4);
  checkedByOnnx(whole.file);
  expect(decodeModel(readFileSync(whole.file)).metadata!.class_labels).toBe('eight,five,nine,seven,six'); // the folders' names, sorted
  results.push(
    `  ${what}: held out ${whole.held.toFixed(4)} / ${cached.held.toFixed(4)} (whole graph / cached features), unseen ${whole.unseen.toFixed(4)} / ${cached.unseen.toFixed(4)}; ` +
      `command ${whole.seconds.toFixed(1)} s / ${cached.seconds.toFixed(1)} s (x${(whole.seconds / cached.seconds).toFixed(2)}); head weights differ by ${(worst / scale).toExponential(1)}`,
  );
}

test('a backbone the project trained on digits 0-4, new head for 5-9 from PNGs: >= 0.95 on unseen pictures, cached features the same', async () => {
  const trained = await train(models.lenet, digitsBelowFive(mnist, 30_000), { epochs: 3, stepsPerRun: 10 });
  const backbone = join(dir, 'project', 'backbone.onnx');
  mkdirSync(join(dir, 'project'));
  exportModel(trained, backbone);
  fineTuneNewHead(backbone, 'project LeNet backbone');
}, 300_000);

// Its head goes on the convolutional features: its 64-unit dense layer, trained on five digits only,
// keeps too little of the others (about 0.87 on unseen pictures with the head after it).
test('a backbone PyTorch trained on digits 0-4 and exported, new head after its convolutions: the same', () => {
  if (!python) return;
  const backbone = join(dir, 'torch', 'backbone.onnx');
  mkdirSync(join(dir, 'torch'));
  const r = spawnSync(python, [join(__dirname, '../../bench/peers/pytorch_transfer.py'), 'backbone', MNIST_DIR, backbone, join(dir, 'torch', 'backbone.pt')], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  fineTuneNewHead(backbone, 'PyTorch CNN backbone (head after its flatten)', ['--head-after', '/0/0.6/Flatten']);
}, 300_000);

test('a colour CNN exported from PyTorch learns tinted digits from RGB pictures with ImageNet normalization', async () => {
  if (!python) return;
  const backbone = join(dir, 'colour', 'backbone.onnx');
  mkdirSync(join(dir, 'colour'));
  const r = spawnSync(python, [join(__dirname, 'torch-backbone.py'), backbone], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  // Class = tint: the digit's ink in the class colour on a grey background, 32 x 32 (the model takes 28 x 28).
  const tints: Record<string, number[]> = { red: [220, 40, 40], green: [40, 200, 60], blue: [50, 70, 230], orange: [240, 150, 30] };
  const write = async (root: string, first: number, count: number) => {
    for (const [k, [name, rgb]] of Object.entries(tints).entries()) {
      mkdirSync(join(root, name), { recursive: true });
      for (let i = 0; i < count; i++) {
        const s = first + k * count + i;
        const ink = mnist.images.pixels.subarray(s * 784, (s + 1) * 784);
        const px = Buffer.alloc(784 * 3);
        ink.forEach((v, j) => rgb.forEach((c, ch) => (px[j * 3 + ch] = Math.round(128 + ((c - 128) * v) / 255))));
        await sharp(px, { raw: { width: 28, height: 28, channels: 3 } }).resize(32, 32).png().toFile(join(root, name, `${s}.png`));
      }
    }
  };
  await write(join(dir, 'tinted'), 0, 150);
  await write(join(dir, 'tinted-test'), 10_000, 50);
  const artifacts = join(dir, 'colour-out');
  const t = cli('train', '--model-file', backbone, '--data-dir', join(dir, 'tinted'), '--new-head', '--mean', '0.485,0.456,0.406', '--std', '0.229,0.224,0.225', '--cache-features', ...RECIPE, '--artifacts', artifacts);
  expect(t.err).toBe('');
  expect(t.code).toBe(0);
  const file = join(artifacts, 'backbone.onnx');
  expect(decodeModel(readFileSync(file)).metadata).toMatchObject({ class_labels: 'blue,green,orange,red', pixel_mean: '0.485,0.456,0.406', pixel_std: '0.229,0.224,0.225', pixel_range: '0-1' });
  checkedByOnnx(file);
  const e = cli('evaluate', '--model-file', file, '--data-dir', join(dir, 'tinted-test'), '--min-accuracy', '0.95', '--no-details');
  expect(e.err).toBe('');
  expect(e.code).toBe(0);
  const p = cli('predict', '--model-file', file, join(dir, 'tinted-test', 'green'), '--json', '--top', '1');
  expect(p.code).toBe(0);
  const picks = (JSON.parse(p.out) as { top: { class: string }[] }[]).map((r) => r.top[0].class);
  expect(picks.filter((c) => c === 'green').length).toBeGreaterThanOrEqual(0.95 * picks.length);
  results.push(`  PyTorch RGB CNN, tinted digits (4 classes): held out ${/val accuracy=(\d\.\d+)/.exec(t.out)![1]}, unseen ${/accuracy=(\d\.\d+)/.exec(e.out)![1]}`);
}, 300_000);
