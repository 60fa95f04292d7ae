// Scores an ONNX classifier on the MNIST test set with OpenCV's DNN module (OpenCV.js 5, the
// WebAssembly build on npm): an importer and runtime that share no code with ONNX Runtime.
//   node --import tsx test/helpers/opencv-score.ts model.onnx mnist-dir  ->  JSON {accuracy, predictions}
import { readFileSync } from 'node:fs';
import { loadSplit } from '../../src/data/dataset-files';

interface Mat {
  data32F: Float32Array;
  delete(): void;
}
interface OpenCv {
  FS_createDataFile(dir: string, name: string, data: Uint8Array, read: boolean, write: boolean, own: boolean): void;
  readNetFromONNX(path: string): { setInput(m: Mat): void; forward(): Mat };
  Mat: new (rows: number, cols: number, type: number) => Mat;
  CV_32F: number;
  Size: new (w: number, h: number) => unknown;
  Scalar: new (v: number) => unknown;
  blobFromImage(img: Mat, scale: number, size: unknown, mean: unknown, swapRB: boolean, crop: boolean): Mat;
}

function loadOpenCv(): Promise<OpenCv> {
  const cv = require('@techstark/opencv-js') as OpenCv & { then?: (f: (m: OpenCv) => void) => void };
  return new Promise((resolve) => {
    if (!cv.then) return resolve(cv);
    cv.then((m) => {
      delete (m as { then?: unknown }).then; // the module is its own thenable: unwrap it once
      resolve(m);
    });
  });
}

async function main() {
  const [modelFile, mnistDir] = process.argv.slice(2);
  const cv = await loadOpenCv();
  cv.FS_createDataFile('/', 'model.onnx', new Uint8Array(readFileSync(modelFile)), true, false, false);
  const net = cv.readNetFromONNX('/model.onnx');
  const test = loadSplit(mnistDir, 'test');
  const image = new cv.Mat(28, 28, cv.CV_32F);
  const predictions: number[] = [];
  let correct = 0;
  for (let i = 0; i < test.images.count; i++) {
    for (let p = 0; p < 784; p++) image.data32F[p] = test.images.pixels[i * 784 + p] / 255;
    const blob = cv.blobFromImage(image, 1, new cv.Size(28, 28), new cv.Scalar(0), false, false); // [1,1,28,28]
    net.setInput(blob);
    const scores = net.forward();
    let best = 0;
    for (let c = 1; c < 10; c++) if (scores.data32F[c] > scores.data32F[best]) best = c;
    predictions.push(best);
    if (best === test.labels[i]) correct++;
    scores.delete();
    blob.delete();
  }
  process.stdout.write(JSON.stringify({ accuracy: correct / test.images.count, predictions }));
}

main().catch((e) => {
  process.stderr.write(`opencv-score: ${typeof e === 'number' ? `OpenCV exception ${e}` : (e as Error).message}\n`);
  process.exit(1);
});
