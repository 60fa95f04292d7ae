// Tests read the real MNIST from $MNIST_DIR (CI: ../shared/data/mnist); never downloaded in tests.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = process.env.MNIST_DIR ?? resolve(__dirname, '../../../shared/data/mnist');
if (!existsSync(dir)) {
  throw new Error(`MNIST not found at ${dir}: set MNIST_DIR to a folder with the four MNIST .gz files`);
}
export const MNIST_DIR = dir;
