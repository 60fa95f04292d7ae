// Another ONNX importer runs the exported model as it is: OpenCV's DNN module (OpenCV.js, the
// WebAssembly build on npm, so no Python or system package is needed) loads lenet.onnx and scores
// the 10,000 test images within 0.1% of `evaluate` on ONNX Runtime.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../helpers/cli';
import { MNIST_DIR } from '../helpers/mnist-dir';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-interop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('OpenCV DNN scores lenet.onnx like ONNX Runtime does', () => {
  expect(cli('train', '--artifacts', dir, '--limit', '10000', '--epochs', '1', '--no-progress').code).toBe(0);
  const model = join(dir, 'lenet.onnx');
  const report = join(dir, 'evaluate.json');
  const ort = cli('evaluate', '--model-file', model, '--min-accuracy', '0.5', '--json', report, '--no-details');
  expect(ort.code).toBe(0);
  const ortAccuracy = JSON.parse(readFileSync(report, 'utf8')).accuracy as number;

  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/opencv-score.ts'), model, MNIST_DIR], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  expect(r.stderr).toBe('');
  const opencv = JSON.parse(r.stdout) as { accuracy: number; predictions: number[] };
  expect(opencv.predictions).toHaveLength(10000);
  expect(ortAccuracy).toBeGreaterThan(0.8); // a trained model, far from chance
  console.log(`test accuracy: ONNX Runtime ${ortAccuracy}, OpenCV DNN ${opencv.accuracy}`);
  expect(Math.abs(opencv.accuracy - ortAccuracy)).toBeLessThanOrEqual(0.001);
}, 240_000);
