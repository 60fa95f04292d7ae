// Small IDX files generated for the tests.
import { gzipSync } from 'node:zlib';

export function idxImages(count: number, rows: number, cols: number, fill = (i: number) => i % 256, magic = 0x803): Uint8Array {
  const out = new Uint8Array(16 + count * rows * cols);
  const v = new DataView(out.buffer);
  v.setUint32(0, magic);
  v.setUint32(4, count);
  v.setUint32(8, rows);
  v.setUint32(12, cols);
  for (let i = 0; i < count * rows * cols; i++) out[16 + i] = fill(i);
  return out;
}

export function idxLabels(labels: number[], magic = 0x801): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, magic);
  v.setUint32(4, labels.length);
  out.set(labels, 8);
  return out;
}

export const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));
