// Before any test: find the real MNIST the way `train` does ($MNIST_DIR, then ./data/mnist) and,
// when neither has it, download it into ./data/mnist with the project's own verified downloader.
// The folder found is handed to the test workers as $MNIST_DIR. Then the npm-shipped Chromium (and
// its SwiftShader driver) is unpacked once here: its package checks for the files and writes them
// without a lock, so two test workers unpacking it at once could read half-written files.
import { resolve } from 'node:path';
import { locateMnist } from '../../src/data/mnist';
import { findChromium } from './chromium';
import { softwareGpu } from './software-gpu';

export default async function globalSetup(): Promise<void> {
  const root = resolve(__dirname, '../..');
  try {
    process.env.MNIST_DIR = await locateMnist({
      dataDir: resolve(root, 'data/mnist'),
      envDir: process.env.MNIST_DIR,
      onLog: (line) => process.stderr.write(`npm test needs MNIST: ${line}\n`),
    });
  } catch (e) {
    // One line, no stack: what failed and what to do.
    const lines = (e as Error).message.split('\n').map((l) => l.trim());
    const why = `${lines[0]} ${lines.slice(1, -1).join('; ')}`;
    process.stderr.write(
      `npm test needs the MNIST files and could not get them (${why}). ` +
        'Set MNIST_DIR to a folder with the four MNIST files, or run `npm run train` once where the mirrors are reachable.\n',
    );
    process.exit(1);
  }
  await findChromium().catch(() => undefined); // the browser test reports a missing Chromium itself
  await softwareGpu(); // likewise the WebGPU test a missing GPU
}
