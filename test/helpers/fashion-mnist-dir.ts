// The real Fashion-MNIST folder that test/helpers/global-setup.ts found (or downloaded) before the tests.
const dir = process.env.FASHION_MNIST_DIR;
if (!dir) throw new Error('FASHION_MNIST_DIR is unset: run the tests with jest, whose global setup finds Fashion-MNIST');
export const FASHION_MNIST_DIR = dir;
