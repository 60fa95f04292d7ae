// --dataset on the command line: Fashion-MNIST trains and evaluates under its own name, with its
// class names in the exported model; the wrong folder and a resume on another dataset are refused.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel } from '../../src/onnx/decode';
import { cli } from '../helpers/cli';
import { FASHION_MNIST_DIR } from '../helpers/fashion-mnist-dir';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'lenet-datasets-'));

test('train and evaluate --dataset fashion-mnist; the exported model names its classes', () => {
  const art = join(dir, 'fashion');
  const t = cli('train', '--dataset', 'fashion-mnist', '--limit', '2500', '--epochs', '2', '--no-progress', '--artifacts', art, '--checkpoint-every', '1');
  expect(t.code).toBe(0);
  expect(t.out).toMatch(new RegExp(`training lenet on 2,500 Fashion-MNIST images from ${FASHION_MNIST_DIR}: `));
  const metadata = decodeModel(readFileSync(join(art, 'lenet.onnx'))).metadata!;
  expect(metadata.class_labels).toBe('T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot');
  expect(metadata.dataset).toBe('fashion-mnist');
  const e = cli('evaluate', '--dataset', 'fashion-mnist', '--artifacts', art, '--min-accuracy', '0.45');
  expect(e.code).toBe(0);
  expect(e.out).toMatch(/rows: actual class, columns: predicted\n/);
  expect(e.out).toMatch(/\nclasses: 0 T-shirt\/top, 1 Trouser, .*, 9 Ankle boot\n/);
  expect(e.out).toMatch(/validation acc: accuracy=0\.\d+ \(\d+\/10000/); // 0.5818 after these 50 steps
  // the checkpoint remembers the dataset: resuming on another is refused
  const r = cli('train', '--resume', join(art, 'lenet.ckpt'), '--dataset', 'mnist', '--epochs', '3', '--no-progress');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: --dataset mnist contradicts .*lenet\.ckpt, which was trained with fashion-mnist; drop --dataset to resume$/m);
});

test('MNIST asked for in a Fashion-MNIST folder: one line naming the right --dataset, exit 2', () => {
  const r = cli('train', '--data-dir', FASHION_MNIST_DIR, '--limit', '500', '--epochs', '1', '--no-progress', '--artifacts', join(dir, 'wrong'));
  expect(r.code).toBe(2);
  expect(r.err).toBe(
    `error: ${FASHION_MNIST_DIR} holds Fashion-MNIST, not MNIST (train-images-idx3-ubyte.gz has Fashion-MNIST's checksum): pass --dataset fashion-mnist, or point --data-dir at MNIST\n`,
  );
});
