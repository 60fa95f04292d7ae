// Before any test: find the real MNIST and Fashion-MNIST the way `train` does ($MNIST_DIR, then
// ./data/mnist; $FASHION_MNIST_DIR, then ./data/fashion-mnist) and, when neither has a dataset,
// download it there with the project's own verified downloader. The folders found are handed to
// the test workers as $MNIST_DIR and $FASHION_MNIST_DIR. Then the npm-shipped Chromium (and
// its SwiftShader driver) is unpacked once here: its package checks for the files and writes them
// without a lock, so two test workers unpacking it at once could read half-written files.
import { resolve } from 'node:path';
import { FASHION_MNIST, MNIST } from '../../src/data/dataset-catalog';
import { locateDataset } from '../../src/data/dataset-files';
import { findChromium } from './chromium';
import { softwareGpu } from './software-gpu';

export default async function globalSetup(): Promise<void> {
  const root = resolve(__dirname, '../..');
  for (const dataset of [MNIST, FASHION_MNIST]) {
    try {
      process.env[dataset.dirEnv] = await locateDataset(dataset, {
        dataDir: resolve(root, 'data', dataset.name),
        envDir: process.env[dataset.dirEnv],
        onLog: (line) => process.stderr.write(`npm test needs ${dataset.title}: ${line}\n`),
      });
    } catch (e) {
      // One line, no stack: what failed and what to do.
      const lines = (e as Error).message.split('\n').map((l) => l.trim());
      const why = `${lines[0]} ${lines.slice(1, -1).join('; ')}`;
      process.stderr.write(
        `npm test needs the ${dataset.title} files and could not get them (${why}). ` +
          `Set ${dataset.dirEnv} to a folder with its four files, or run \`npm run train -- --dataset ${dataset.name}\` once where the mirrors are reachable.\n`,
      );
      process.exit(1);
    }
  }
  await findChromium().catch(() => undefined); // the browser test reports a missing Chromium itself
  await softwareGpu(); // likewise the WebGPU test a missing GPU
}
