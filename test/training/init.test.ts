import { lenet } from '../../model/lenet.onnx-builder';
import { mlp } from '../../model/mlp.onnx-builder';
import { paramCount } from '../../src/graph/model-definition';
import { initParams, xavierScale } from '../../src/training/graphs/init';

test('LeNet has the 431,080 parameters of the seed; the MLP 109,386', () => {
  expect(paramCount(lenet)).toBe(431080);
  expect(paramCount(mlp)).toBe(109386);
});

test('Xavier scale follows MXNet (uniform, avg, magnitude 2.24)', () => {
  // conv1 [20,1,5,5]: fan_in 25, fan_out 500 -> sqrt(2.24 / 262.5)
  expect(xavierScale([20, 1, 5, 5])).toBeCloseTo(Math.sqrt(2.24 / 262.5), 12);
  // dense1 [500,800]: sqrt(2.24 / 650)
  expect(xavierScale([500, 800])).toBeCloseTo(Math.sqrt(2.24 / 650), 12);
});

test('weights are uniform within the scale, biases zero, and the seed decides them', () => {
  const p = initParams(lenet, 7);
  const w = p.get('dense1.weight')!;
  const s = xavierScale([500, 800]);
  expect(w.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(s);
  // Variance of U(-s, s) is s^2 / 3.
  const variance = w.reduce((a, v) => a + v * v, 0) / w.length;
  expect(variance).toBeCloseTo((s * s) / 3, 4);
  expect(p.get('dense1.bias')!.every((v) => v === 0)).toBe(true);
  expect(initParams(lenet, 7).get('conv1.weight')).toEqual(p.get('conv1.weight'));
  expect(initParams(lenet, 8).get('conv1.weight')).not.toEqual(p.get('conv1.weight'));
});
