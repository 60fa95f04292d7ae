// Any grayscale picture of a digit -> MNIST's convention, the way MNIST itself was made:
// light ink on a dark background, the digit's bounding box scaled to fit 20x20 (aspect kept,
// anti-aliased), placed in 28x28 so that its centre of mass is the centre. Pure TypeScript with
// no Node APIs, so the browser demo runs exactly this code.

import type { GrayImage } from '../data/gray-image';

export const MNIST_SIDE = 28;
const FIT = 20;

/** Dark-on-light pictures (a light border) are inverted so the ink is bright. */
function inkIsBright(img: GrayImage): Uint8Array {
  const { width: w, height: h, pixels } = img;
  let sum = 0;
  let n = 0;
  for (let x = 0; x < w; x++) { sum += pixels[x] + pixels[(h - 1) * w + x]; n += 2; }
  for (let y = 0; y < h; y++) { sum += pixels[y * w] + pixels[y * w + w - 1]; n += 2; }
  return sum / n > 127 ? pixels.map((v) => 255 - v) : pixels;
}

/** Bounding box of the pixels brighter than a quarter of the brightest; undefined when blank. */
function inkBox(p: Uint8Array, w: number, h: number) {
  let max = 0;
  for (const v of p) max = Math.max(max, v);
  if (max === 0) return undefined;
  const cut = max / 4;
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (p[y * w + x] > cut) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
  return { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** Area-averaging resample of a source rectangle to outW x outH (each output pixel = mean of what it covers). */
function resample(p: Uint8Array, stride: number, box: { x0: number; y0: number; w: number; h: number }, outW: number, outH: number) {
  const out = new Float32Array(outW * outH);
  const sx = box.w / outW;
  const sy = box.h / outH;
  for (let oy = 0; oy < outH; oy++) {
    const ya = oy * sy, yb = ya + sy;
    for (let ox = 0; ox < outW; ox++) {
      const xa = ox * sx, xb = xa + sx;
      let acc = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          acc += wx * wy * p[(box.y0 + Math.min(y, box.h - 1)) * stride + box.x0 + Math.min(x, box.w - 1)];
        }
      }
      out[oy * outW + ox] = acc / (sx * sy);
    }
  }
  return out;
}

/** Smallest picture side that can hold a recognisable digit. */
const MIN_SIDE = 8;
/** Ink must stand out from the background by this much (of 255) to count as a digit. */
const MIN_CONTRAST = 32;

/** Why a picture holds no digit to classify (too small, or one flat colour); undefined when it has one. */
export function noDigitReason(img: GrayImage): string | undefined {
  if (img.width < MIN_SIDE || img.height < MIN_SIDE) return `the picture is ${img.width}x${img.height} pixels, too small for a digit`;
  let min = 255;
  let max = 0;
  for (const v of img.pixels) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (max - min < MIN_CONTRAST) return 'the picture is blank (one flat colour)';
  return undefined;
}

/** The model input for one picture: 28 * 28 floats in [0, 1], ink bright. A blank picture gives zeros. */
export function toMnistInput(img: GrayImage): Float32Array {
  const bright = inkIsBright(img);
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  const box = inkBox(bright, img.width, img.height);
  if (!box) return out;
  const scale = FIT / Math.max(box.w, box.h);
  const fw = Math.max(1, Math.round(box.w * scale));
  const fh = Math.max(1, Math.round(box.h * scale));
  const digit = resample(bright, img.width, box, fw, fh);
  // Centre of mass of the scaled digit, then the offset that puts it on pixel (14, 14), where
  // MNIST's digits have theirs (measured over the test set: 14.01, 13.99 in pixel indices).
  let mass = 0, cx = 0, cy = 0;
  for (let y = 0; y < fh; y++)
    for (let x = 0; x < fw; x++) {
      const v = digit[y * fw + x];
      mass += v; cx += v * x; cy += v * y;
    }
  const dx = Math.round(MNIST_SIDE / 2 - cx / mass);
  const dy = Math.round(MNIST_SIDE / 2 - cy / mass);
  for (let y = 0; y < fh; y++)
    for (let x = 0; x < fw; x++) {
      const tx = x + dx, ty = y + dy;
      if (tx >= 0 && tx < MNIST_SIDE && ty >= 0 && ty < MNIST_SIDE) out[ty * MNIST_SIDE + tx] = Math.min(1, digit[y * fw + x] / 255);
    }
  return out;
}

/** Softmax of each row of logits [n, k]. */
export function softmaxRows(logits: Float32Array, k: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / k; r++) {
    const row = logits.subarray(r * k, r * k + k);
    const m = row.reduce((a, v) => Math.max(a, v), -Infinity);
    let s = 0;
    for (let c = 0; c < k; c++) s += (out[r * k + c] = Math.exp(row[c] - m));
    for (let c = 0; c < k; c++) out[r * k + c] /= s;
  }
  return out;
}

export function topK(probabilities: ArrayLike<number>, k: number): { digit: number; probability: number }[] {
  return Array.from(probabilities, (probability, digit) => ({ digit, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}
