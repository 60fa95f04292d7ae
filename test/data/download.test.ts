// Downloads against a real HTTP server on 127.0.0.1: verified files land whole, bad ones never do.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { downloadFromMirrors } from '../../src/data/download';
import { DataError } from '../../src/data/idx-file';
import { DEFAULT_MIRRORS, loadSplit, locateMnist, MNIST_FILES, mnistMirrors } from '../../src/data/dataset-files';
import { MNIST_DIR } from '../helpers/mnist-dir';

const GOOD = new TextEncoder().encode('the right bytes '.repeat(5000));
const BAD = new TextEncoder().encode('the wrong bytes '.repeat(5000));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const [, mirror, file] = (req.url ?? '').split('/');
    if (mirror === 'good' && file === 'f.bin') return res.end(GOOD);
    if (mirror === 'bad' && file === 'f.bin') return res.end(BAD);
    if (mirror === 'gz' && file === 'f.gz') return res.end(gzipSync(GOOD, { level: 1 }));
    if (mirror === 'gzbad' && file === 'f.gz') return res.end(gzipSync(BAD));
    if (mirror === 'stall') {
      res.writeHead(200, { 'content-length': String(GOOD.length) });
      res.write(GOOD.subarray(0, 100)); // headers and a little data, then nothing
      return;
    }
    if (mirror === 'mnist' && file && existsSync(join(MNIST_DIR, file))) return res.end(readFileSync(join(MNIST_DIR, file)));
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-dl-'));
  requests.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a good mirror gives the verified file and leaves no temporary file', async () => {
  const url = await downloadFromMirrors([`${base}/good/`], 'f.bin', join(dir, 'f.bin'), { sha256: sha(GOOD) });
  expect(url).toBe(`${base}/good/f.bin`);
  expect(sha(readFileSync(join(dir, 'f.bin')))).toBe(sha(GOOD));
  expect(readdirSync(dir)).toEqual(['f.bin']);
});

test('where only the unpacked content is fixed (recompressed copies), the gunzipped bytes are checked', async () => {
  const err = await downloadFromMirrors([`${base}/gzbad`], 'f.gz', join(dir, 'f.gz'), { unpackedSha256: sha(GOOD) }).catch((e) => e);
  expect(err.message).toMatch(/gzbad\/f\.gz: checksum mismatch: expected sha256 \w+ \(unpacked\)/);
  expect(readdirSync(dir)).toEqual([]);
  await downloadFromMirrors([`${base}/gzbad`, `${base}/gz`], 'f.gz', join(dir, 'f.gz'), { unpackedSha256: sha(GOOD) });
  expect(sha(gunzipSync(readFileSync(join(dir, 'f.gz'))))).toBe(sha(GOOD));
});

test('a checksum mismatch is removed and reported with the mirror and file; the next mirror is tried', async () => {
  await downloadFromMirrors([`${base}/bad`, `${base}/good`], 'f.bin', join(dir, 'f.bin'), { sha256: sha(GOOD) });
  expect(requests).toEqual(['/bad/f.bin', '/good/f.bin']);
  expect(sha(readFileSync(join(dir, 'f.bin')))).toBe(sha(GOOD));
});

test('when every mirror fails: a DataError naming each, and nothing at the final path', async () => {
  const closedPort = 'http://127.0.0.1:9'; // discard port: nothing listens
  const err = await downloadFromMirrors([`${base}/bad`, `${base}/none`, closedPort], 'f.bin', join(dir, 'f.bin'), { sha256: sha(GOOD) }).catch((e) => e);
  expect(err).toBeInstanceOf(DataError);
  expect(err.message).toContain(`${base}/bad/f.bin: checksum mismatch`);
  expect(err.message).toContain(`${base}/none/f.bin: HTTP 404`);
  expect(err.message).toContain(`${closedPort}/f.bin:`);
  expect(readdirSync(dir)).toEqual([]);
});

test('locateMnist downloads the real MNIST files from a mirror into --data-dir and they load', async () => {
  const target = join(dir, 'mnist');
  const found = await locateMnist({ dataDir: target, envDir: join(dir, 'nowhere'), defaultDir: join(dir, 'nowhere'), mirrors: [`${base}/none`, `${base}/mnist`] });
  expect(found).toBe(target);
  expect(readdirSync(target).sort()).toEqual(Object.values(MNIST_FILES).map((f) => f.file).sort());
  expect(loadSplit(target, 'test').images.count).toBe(10000);
  // Second call: found locally, no request.
  requests.length = 0;
  await locateMnist({ dataDir: target, mirrors: [`${base}/mnist`] });
  expect(requests).toEqual([]);
});

test('search order: --data-dir, then $MNIST_DIR; a failed download suggests --data-dir', async () => {
  expect(await locateMnist({ envDir: MNIST_DIR, defaultDir: join(dir, 'nowhere'), mirrors: [] })).toBe(MNIST_DIR);
  const partial = join(dir, 'partial');
  mkdirSync(partial);
  writeFileSync(join(partial, MNIST_FILES.trainLabels.file), 'x');
  const err = await locateMnist({ dataDir: partial, envDir: join(dir, 'nowhere'), defaultDir: join(dir, 'nowhere'), mirrors: [`${base}/none`] }).catch((e) => e);
  expect(err).toBeInstanceOf(DataError);
  expect(err.message).toMatch(/could not download train-images-idx3-ubyte.gz/);
  expect(err.message).toMatch(/point --data-dir or \$MNIST_DIR at a folder/);
});

test('a failed download leaves no empty folder behind', async () => {
  const target = join(dir, 'new', 'mnist');
  const err = await locateMnist({ dataDir: target, envDir: join(dir, 'nowhere'), defaultDir: join(dir, 'nowhere'), mirrors: [`${base}/none`] }).catch((e) => e);
  expect(err).toBeInstanceOf(DataError);
  expect(readdirSync(dir)).toEqual([]);
});

test('a mirror that sends headers and then stalls is abandoned, named, and the next one is used', async () => {
  const tried: string[] = [];
  const started = Date.now();
  const url = await downloadFromMirrors([`${base}/stall`, `${base}/good`], 'f.bin', join(dir, 'f.bin'), { sha256: sha(GOOD) }, {
    stallSeconds: 1,
    onAttempt: (u) => tried.push(u),
  });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(tried).toEqual([`${base}/stall/f.bin`, `${base}/good/f.bin`]);
  expect(url).toBe(`${base}/good/f.bin`);
  expect(readdirSync(dir)).toEqual(['f.bin']);
  const err = await downloadFromMirrors([`${base}/stall`], 'f.bin', join(dir, 'g.bin'), { sha256: sha(GOOD) }, { stallSeconds: 1 }).catch((e) => e);
  expect(err.message).toBe(`could not download f.bin:\n  ${base}/stall/f.bin: stalled: no data for 1 s`);
});

test('$MNIST_MIRRORS replaces the public mirrors', () => {
  expect(mnistMirrors('http://127.0.0.1:1/a/, http://127.0.0.1:1/b/')).toEqual(['http://127.0.0.1:1/a/', 'http://127.0.0.1:1/b/']);
  expect(mnistMirrors(undefined)).toBe(DEFAULT_MIRRORS);
  expect(mnistMirrors('')).toBe(DEFAULT_MIRRORS);
});
