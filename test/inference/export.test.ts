// The exported inference model computes the same forward pass as the training graph.
import { lenet } from '../../model/lenet.onnx-builder';
import { buildInferenceModel, INFERENCE_IO, paramsFromModel } from '../../src/inference/inference-graph';
import { decodeModel } from '../../src/onnx/decode';
import { encodeModel } from '../../src/onnx/encode';
import { initParams } from '../../src/training/graphs/init';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { f32, i64, randomFloats, runOnce } from '../helpers/run-model';

test('exported model gives the same logits as the training graph\'s forward pass', async () => {
  const N = 16;
  const params = initParams(lenet, 5);
  const x = randomFloats(N * 784, 21, 0, 1);
  const labels = Array.from({ length: N }, (_, i) => (i * 7) % 10);

  const inf = await runOnce(encodeModel(buildInferenceModel(lenet, params)), { [INFERENCE_IO.input]: f32([N, 1, 28, 28], x) });
  const logits = inf[INFERENCE_IO.logits].data as Float32Array;

  // The training step, with its internal logits value (Gemm 'dense2') exposed as an extra output.
  const step = buildTrainingStep(lenet);
  const trainLogits = step.graph.nodes.flatMap((n) => n.outputs).find((v) => v.name === 'dense2')!;
  step.graph.outputs.push(trainLogits);
  const feeds: Record<string, ReturnType<typeof f32>> = {
    x: f32([N, 1, 28, 28], x),
    y: i64([N], labels),
    lr: f32([], Float32Array.of(0)),
  };
  for (const p of lenet.params) feeds[p.name] = f32(p.dims, params.get(p.name)!);
  const out = await runOnce(step, feeds);
  expect(out.dense2.dims).toEqual([N, 10]);
  // Same maths; ORT may pick different kernels (weights as initializers get pre-packed), so not bit-equal.
  const train = out.dense2.data as Float32Array;
  const worst = logits.reduce((m, v, i) => Math.max(m, Math.abs(v - train[i])), 0);
  expect(worst).toBeLessThan(1e-5);

  // And the probabilities output is the softmax of the logits.
  const probs = inf[INFERENCE_IO.probabilities].data as Float32Array;
  for (let n = 0; n < N; n++) {
    const row = Array.from(logits.subarray(n * 10, n * 10 + 10));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    row.forEach((v, k) => expect(probs[n * 10 + k]).toBeCloseTo(Math.exp(v - lse), 6));
  }
});

test('the exported file carries the parameters, a dynamic batch input and metadata', () => {
  const params = initParams(lenet, 5);
  const model = decodeModel(encodeModel(buildInferenceModel(lenet, params, { train_accuracy: '0.99' })));
  const back = paramsFromModel(lenet, model, 'lenet.onnx');
  for (const p of lenet.params) expect(back.get(p.name)).toEqual(params.get(p.name));
  expect(model.graph.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: ['N', 1, 28, 28] }]);
  expect(model.graph.outputs.map((o) => o.name)).toEqual(['logits', 'probabilities']);
  expect(model.metadata).toEqual({ train_accuracy: '0.99' });
  expect(model.opsets['']).toBeLessThanOrEqual(21);
  expect(model.irVersion).toBeLessThanOrEqual(10);
});
