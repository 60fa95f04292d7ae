// TF.js peer for `npm run bench`: the same LeNet, init and SGD in TF.js 4.22. Inference runs on the
// WebAssembly backend; training on the plain JavaScript 'cpu' backend, because the wasm backend has
// no Conv2DBackpropFilter kernel (it cannot train a convolution).
// Prints one JSON object. Modes: steps (median training-step time), infer (test images per second).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';

const [mode = 'steps', dataDir = process.env.MNIST_DIR ?? 'data/mnist'] = process.argv.slice(2);

function idx(file: string): Uint8Array {
  const b = gunzipSync(readFileSync(join(dataDir, `${file}.gz`)));
  const dims = b[3];
  return new Uint8Array(b.buffer, b.byteOffset + 4 + 4 * dims);
}

/** MXNet's Xavier (uniform, avg, 2.24): s = sqrt(2.24 / ((fan_in + fan_out) / 2)). */
const xavier = (fanIn: number, fanOut: number) => tfl.initializers.randomUniform({ minval: -Math.sqrt(2.24 / ((fanIn + fanOut) / 2)), maxval: Math.sqrt(2.24 / ((fanIn + fanOut) / 2)), seed: 42 });

function lenet(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, activation: 'tanh', kernelInitializer: xavier(25, 500) }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  m.add(tfl.layers.conv2d({ filters: 50, kernelSize: 5, activation: 'tanh', kernelInitializer: xavier(500, 1250) }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 500, activation: 'tanh', kernelInitializer: xavier(800, 500) }));
  m.add(tfl.layers.dense({ units: 10, kernelInitializer: xavier(500, 10) }));
  return m;
}

async function main() {
  await tf.setBackend(mode === 'infer' ? 'wasm' : 'cpu');
  const model = lenet();
  if (mode === 'infer') {
    const px = idx('t10k-images-idx3-ubyte');
    const x = tf.tensor4d(Float32Array.from(px, (v) => v / 255), [10000, 28, 28, 1]);
    (model.predict(tf.slice(x, [0, 0, 0, 0], [1000, 28, 28, 1])) as tf.Tensor).dispose();
    const t = performance.now();
    for (let i = 0; i < 10000; i += 1000) {
      const out = model.predict(tf.slice(x, [i, 0, 0, 0], [1000, 28, 28, 1])) as tf.Tensor;
      await out.data();
      out.dispose();
    }
    console.log(JSON.stringify({ images_per_s: 10000 / ((performance.now() - t) / 1000), backend: tf.getBackend() }));
    return;
  }
  const px = idx('train-images-idx3-ubyte');
  const labels = idx('train-labels-idx1-ubyte');
  const x = tf.tensor4d(Float32Array.from(px.subarray(0, 100 * 784), (v) => v / 255), [100, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from(labels.subarray(0, 100)), 'int32'), 10);
  const opt = tf.train.sgd(0.03);
  const step = () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true)!;
    return loss.data().then(() => loss.dispose());
  };
  for (let i = 0; i < 2; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < Number(process.env.TFJS_STEPS ?? 8); i++) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ step_ms: times[Math.floor(times.length / 2)], backend: tf.getBackend() }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
