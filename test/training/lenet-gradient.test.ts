// The whole derived LeNet backward pass (ORT, float32) against central differences of an
// independent float64 implementation, on real MNIST digits (whose zero background makes
// max-pool ties everywhere).
import { lenet } from '../../model/lenet.onnx-builder';
import { fillBatch } from '../../src/data/dataset';
import { inOrder } from '../../src/data/shuffle';
import { loadSplit } from '../../src/data/dataset-files';
import { initParams } from '../../src/training/graphs/init';
import { buildGradientGraph, gradName } from '../../src/training/graphs/step-graph';
import { lenetLoss64, Params64 } from '../helpers/lenet-f64';
import { f32, randomFloats, runOnce } from '../helpers/run-model';
import { MNIST_DIR } from '../helpers/mnist-dir';

const N = 6;

describe('LeNet gradient graph', () => {
  const test10k = loadSplit(MNIST_DIR, 'test');
  const { x, y } = fillBatch(test10k, inOrder(N), 0, N, new Float32Array(N * 784), new BigInt64Array(N));
  const labels = Array.from(y, Number);
  const params = initParams(lenet, 3);
  let grads: Record<string, Float32Array>;
  let ortLoss: number;
  let maxError = 0;
  afterAll(() => console.log(`LeNet gradient check: max relative error ${maxError.toExponential(2)}`));

  beforeAll(async () => {
    const feeds: Record<string, ReturnType<typeof f32>> = {
      x: f32([N, 1, 28, 28], x),
      y: { dtype: 'int64', dims: [N], data: y },
    };
    for (const p of lenet.params) feeds[p.name] = f32(p.dims, params.get(p.name)!);
    const out = await runOnce(buildGradientGraph(lenet), feeds);
    grads = Object.fromEntries(lenet.params.map((p) => [p.name, out[gradName(p.name)].data as Float32Array]));
    ortLoss = (out.loss.data as Float32Array)[0];
  });

  const base64: Params64 = Object.fromEntries([...params].map(([k, v]) => [k, Float64Array.from(v)]));
  const x64 = Float64Array.from(x);

  test('forward loss equals the float64 reference', () => {
    expect(Math.abs(ortLoss - lenetLoss64(base64, x64, labels))).toBeLessThan(1e-5);
  });

  test.each(lenet.params.map((p) => p.name))('d loss / d %s along random directions', (name) => {
    const eps = 1e-7; // tiny: saturated tanh values sit close together, and a larger step can cross a max-pool kink
    const worst: number[] = [];
    for (let k = 0; k < 2; k++) {
      const t = randomFloats(params.get(name)!.length, 11 + k * 101 + name.length);
      const shifted = (sign: number): Params64 => ({
        ...base64,
        [name]: base64[name].map((v, i) => v + sign * eps * t[i]),
      });
      const numeric = (lenetLoss64(shifted(1), x64, labels) - lenetLoss64(shifted(-1), x64, labels)) / (2 * eps);
      const analytic = grads[name].reduce((s, g, i) => s + g * t[i], 0);
      // Random signs make the sum cancel; measure the error against the size of its terms.
      const scale = grads[name].reduce((s, g, i) => s + Math.abs(g * t[i]), 0);
      worst.push(Math.abs(analytic - numeric) / scale);
    }
    maxError = Math.max(maxError, ...worst);
    expect(Math.max(...worst)).toBeLessThan(1e-4);
  });
});
