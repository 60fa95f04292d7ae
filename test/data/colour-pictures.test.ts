// Colour pictures: an image folder decoded to RGB planes, resized and normalized per channel, equal
// to what PyTorch's usual preprocessing (Pillow to decode and resize, then (x / 255 - mean) / std)
// makes of the same files; transparency laid on white with a warning; normalizations refused when
// they cannot apply. The Pillow comparison needs a Python with torch and PIL (required in CI).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { datasets } from '../../src/index';
import { fillBatch, sampleSize } from '../../src/data/dataset';
import { IMAGENET_PIXELS, checkPixelNormalization, pixelsFromMetadata, pixelMetadata } from '../../src/data/pixel-normalization';
import { inOrder } from '../../src/data/shuffle';
import { pythonWith } from '../helpers/python';

const python = pythonWith(['torch', 'PIL']);
if (!python && process.env.REQUIRE_TORCH) throw new Error('REQUIRE_TORCH is set but no Python with torch and PIL was found (set ONNX_PYTHON)');
if (!python) console.warn('skipping the comparison with PyTorch preprocessing: no Python with torch and PIL (set ONNX_PYTHON)');

let dir: string;
/** Deterministic colour noise, w x h x 3 interleaved. */
const noise = (w: number, h: number, seed: number) => Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * 7919 + seed * 104729) % 251));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-colour-'));
  for (const [k, cls] of ['apple', 'sky'].entries()) {
    mkdirSync(join(dir, 'pictures', cls), { recursive: true });
    // Different sizes and aspect ratios, larger and smaller than the model's 12 x 16.
    for (const [i, [w, h]] of [[37, 23], [16, 12], [9, 31]].entries()) {
      await sharp(noise(w, h, 10 * k + i), { raw: { width: w, height: h, channels: 3 } }).png().toFile(join(dir, 'pictures', cls, `${i}.png`));
    }
    await sharp(noise(20, 20, 99 + k), { raw: { width: 20, height: 20, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(dir, 'pictures', cls, `3.jpg`));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an RGB image folder is decoded to three planes per picture, in NCHW order', async () => {
  const d = await datasets.imageFolder(join(dir, 'pictures'), { rows: 12, cols: 16, channels: 3, resize: 'nearest' });
  expect(d.images).toMatchObject({ count: 8, rows: 12, cols: 16, channels: 3 });
  expect(sampleSize(d)).toBe(3 * 12 * 16);
  // apple/1.png is 16 x 12 already: its planes are its interleaved pixels regrouped.
  const source = noise(16, 12, 1);
  const planes = d.images.pixels.subarray(1 * 576, 2 * 576);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 192; i++) expect(planes[c * 192 + i]).toBe(source[i * 3 + c]);
});

test('image folder pixels after resize and normalization equal PyTorch preprocessing of the same files (Pillow, nearest)', async () => {
  if (!python) return;
  const d = await datasets.imageFolder(join(dir, 'pictures'), { rows: 12, cols: 16, channels: 3, resize: 'nearest' });
  const x = new Float32Array(d.images.count * sampleSize(d));
  fillBatch(d, inOrder(d.images.count), 0, d.images.count, x, new BigInt64Array(d.images.count), IMAGENET_PIXELS);
  const script = `
import json, sys, torch
from pathlib import Path
from PIL import Image
root = Path(sys.argv[1])
mean = torch.tensor(${JSON.stringify(IMAGENET_PIXELS.mean)}).view(3, 1, 1)
std = torch.tensor(${JSON.stringify(IMAGENET_PIXELS.std)}).view(3, 1, 1)
out = []
for cls in sorted(p.name for p in root.iterdir()):
    for f in sorted((root / cls).iterdir()):
        img = Image.open(f).convert('RGB').resize((16, 12), Image.NEAREST)
        t = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(12, 16, 3).permute(2, 0, 1).float() / 255
        out.extend(((t - mean) / std).reshape(-1).tolist())
json.dump(out, open(sys.argv[2], 'w'))
`;
  writeFileSync(join(dir, 'pre.py'), script);
  const r = spawnSync(python, [join(dir, 'pre.py'), join(dir, 'pictures'), join(dir, 'torch.json')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const expected: number[] = JSON.parse(readFileSync(join(dir, 'torch.json'), 'utf8'));
  expect(expected.length).toBe(x.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - expected[i]));
  expect(worst).toBeLessThan(1e-6);
});

test('pictures with transparency are laid on white, with one warning for the folder', async () => {
  const root = join(dir, 'alpha');
  for (const cls of ['a', 'b']) {
    mkdirSync(join(root, cls), { recursive: true });
    // Left half opaque red, right half fully transparent.
    const rgba = Buffer.from(Array.from({ length: 8 * 8 }, (_, i) => (i % 8 < 4 ? [255, 0, 0, 255] : [0, 0, 255, 0])).flat());
    await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } }).png().toFile(join(root, cls, 'x.png'));
  }
  const warnings: string[] = [];
  const d = await datasets.imageFolder(root, { rows: 8, cols: 8, channels: 3, onWarning: (w) => warnings.push(w) });
  expect(warnings).toEqual([`${root}: 2 of 2 pictures have transparency (an alpha channel); it was dropped, laying them on white`]);
  const [r, g, b] = [0, 1, 2].map((c) => d.images.pixels.subarray(c * 64, c * 64 + 64));
  expect([r[0], g[0], b[0]]).toEqual([255, 0, 0]);
  expect([r[7], g[7], b[7]]).toEqual([255, 255, 255]);
});

test('a normalization that cannot apply is refused in one sentence; metadata round-trips it', () => {
  expect(() => checkPixelNormalization({ range: 1, mean: [0.5, 0.5], std: [1] }, 3)).toThrow("the pixel mean has 2 values; the model's input has 3 channels");
  expect(() => checkPixelNormalization({ range: 1, mean: [0], std: [0] }, 1)).toThrow('the pixel std must be positive numbers, got 0');
  expect(pixelsFromMetadata(pixelMetadata(IMAGENET_PIXELS))).toEqual(IMAGENET_PIXELS);
  expect(pixelsFromMetadata({ pixel_range: '0-255', pixel_mean: '127.5', pixel_std: '127.5' })).toEqual({ range: 255, mean: [127.5], std: [127.5] });
  expect(pixelsFromMetadata({ pixel_range: '0-7', pixel_mean: '0', pixel_std: '1' })).toBeUndefined();
  expect(pixelsFromMetadata({})).toBeUndefined();
});
