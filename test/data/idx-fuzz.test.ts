// Property: any byte string either parses to a consistent data set or raises DataError,
// never a RangeError/TypeError from deep inside. Fixed seed, bounded runs.
import fc from 'fast-check';
import { DataError, parseImages, parseLabels } from '../../src/data/idx-file';
import { gz, idxImages, idxLabels } from './idx-fixtures';

const FC = { seed: 20261126, numRuns: 400 };

function parsesOrDataError(bytes: Uint8Array): boolean {
  try {
    const images = parseImages(bytes, 'fuzz');
    expect(images.pixels.length).toBe(images.count * images.rows * images.cols);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
  }
  try {
    const labels = parseLabels(bytes, 'fuzz');
    expect(labels.every((l) => l < 10)).toBe(true);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
  }
  return true;
}

/** A valid file with some bytes overwritten, a cut, or both; sometimes gzipped afterwards. */
const mutatedValid = fc
  .record({
    base: fc.oneof(
      fc.record({ n: fc.nat(4), r: fc.nat(5), c: fc.nat(5) }).map(({ n, r, c }) => idxImages(n, r, c)),
      fc.array(fc.nat(12), { maxLength: 20 }).map((ls) => idxLabels(ls)),
    ),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cut: fc.option(fc.nat()),
    zip: fc.boolean(),
  })
  .map(({ base, edits, cut, zip }) => {
    const b = new Uint8Array(base);
    for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
    const cutBytes = cut === null ? b : b.subarray(0, cut % (b.length + 1));
    return zip ? gz(cutBytes) : cutBytes;
  });

test('random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), parsesOrDataError), FC);
});

test('random bytes behind the gzip magic, and gzipped random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => parsesOrDataError(Uint8Array.of(0x1f, 0x8b, ...b)) && parsesOrDataError(gz(b))), FC);
});

test('valid files with bytes changed, truncated, or re-gzipped', () => {
  fc.assert(fc.property(mutatedValid, parsesOrDataError), FC);
});

test('a header that promises an enormous file is a DataError', () => {
  const b = idxImages(1, 1, 1);
  new DataView(b.buffer).setUint32(4, 0xffffffff);
  expect(() => parseImages(b)).toThrow(/header promises \d+ data bytes, file has 1/);
});
