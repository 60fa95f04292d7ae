// The real MNIST folder that test/helpers/global-setup.ts found (or downloaded) before the tests.
const dir = process.env.MNIST_DIR;
if (!dir) throw new Error('MNIST_DIR is unset: run the tests with jest, whose global setup finds MNIST');
export const MNIST_DIR = dir;
