import { DataError, IDX_IMAGES_MAGIC, parseImages, parseLabels } from '../../src/data/idx-file';
import { makeDataset, fillBatch } from '../../src/data/dataset';
import { gz, idxImages, idxLabels } from './idx-fixtures';

describe('IDX parsing', () => {
  test('images, raw and gzipped, give the same pixels', () => {
    const raw = idxImages(3, 4, 5);
    for (const bytes of [raw, gz(raw)]) {
      const set = parseImages(bytes);
      expect([set.count, set.rows, set.cols]).toEqual([3, 4, 5]);
      expect(Array.from(set.pixels.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
      expect(set.pixels.length).toBe(60);
    }
  });

  test('labels parse and are range-checked', () => {
    expect(Array.from(parseLabels(gz(idxLabels([3, 1, 4]))))).toEqual([3, 1, 4]);
    expect(() => parseLabels(idxLabels([3, 12]), 'lbl')).toThrow('lbl: label 12 at index 1 is outside 0-9');
  });

  test('a labels file given as images names the mix-up', () => {
    expect(() => parseImages(idxLabels([1, 2]), 'train-images')).toThrow(
      `train-images: expected IDX magic ${IDX_IMAGES_MAGIC}, found 2049 (is this a labels file?)`,
    );
  });

  test('truncated data and short headers are reported with sizes', () => {
    const bytes = idxImages(2, 2, 2);
    expect(() => parseImages(bytes.subarray(0, bytes.length - 1), 'img')).toThrow('img: header promises 8 data bytes, file has 7');
    expect(() => parseImages(bytes.subarray(0, 10), 'img')).toThrow(/too short for an IDX header/);
    expect(() => parseImages(new Uint8Array(0), 'img')).toThrow(DataError);
  });

  test('corrupt gzip is a DataError', () => {
    const z = gz(idxImages(2, 2, 2));
    z[z.length - 6] ^= 0xff; // break the CRC
    expect(() => parseImages(z, 'img')).toThrow(/img: corrupt gzip data/);
  });

  test('image and label counts must agree', () => {
    expect(() => makeDataset('d', parseImages(idxImages(3, 2, 2)), parseLabels(idxLabels([1, 2])))).toThrow(
      'd: 3 images but 2 labels',
    );
  });

  test('fillBatch scales pixels to [0,1] in the given order', () => {
    const d = makeDataset('d', parseImages(idxImages(3, 1, 2, (i) => [0, 255, 51, 102, 0, 0][i])), parseLabels(idxLabels([7, 8, 9])));
    const { x, y } = fillBatch(d, [1, 0], 0, 2, new Float32Array(6), new BigInt64Array(3));
    expect(Array.from(x)).toEqual([0.2, 0.4, 0, 1].map((v) => Math.fround(v)));
    expect(Array.from(y)).toEqual([8n, 7n]);
  });
});
