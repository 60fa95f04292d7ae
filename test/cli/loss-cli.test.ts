// `train --loss`: the loss is part of the recipe: recorded in the checkpoint, kept by --resume, and a
// --resume that names another is refused in one line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'loss-cli-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('train --loss mse records it; --resume keeps it, and refuses another', () => {
  const first = cli('train', '--loss', 'mse', '--epochs', '2', '--limit', '500', '--artifacts', dir, '--checkpoint-every', '1', '--no-progress');
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/2 epochs, batch 100, SGD lr 0\.03, loss mse, /);
  const checkpoint = join(dir, 'lenet.ckpt');
  expect(readFileSync(checkpoint).includes(Buffer.from('"loss":"mse"'))).toBe(true);
  const other = cli('train', '--resume', checkpoint, '--loss', 'l1', '--epochs', '3', '--no-progress');
  expect(other.code).toBe(2);
  expect(other.err).toMatch(/^error: --loss l1 contradicts .*lenet\.ckpt, which was trained with mse; drop --loss to resume\n$/);
  const resumed = cli('train', '--resume', checkpoint, '--epochs', '3', '--checkpoint-every', '1', '--no-progress');
  expect(resumed.code).toBe(0);
  expect(resumed.out).toMatch(/resuming .*3 epochs, batch 100, SGD lr 0\.03, loss mse, /);
  const unknown = cli('train', '--loss', 'hinge', '--epochs', '1', '--limit', '100', '--artifacts', dir, '--no-progress');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/loss.*hinge/);
}, 120_000);
