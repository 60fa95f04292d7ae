// The exported inference model computes the same forward pass as the training graph.
import { lenet } from '../../model/lenet.onnx-builder';
import { buildInferenceModel, INFERENCE_IO, paramsFromModel } from '../../src/inference/inference-graph';
import { decodeModel } from '../../src/onnx/decode';
import { encodeModel } from '../../src/onnx/encode';
import { initParams } from '../../src/training/init';
import { buildTrainingStep } from '../../src/training/step-graph';
import { f32, i64, randomFloats, runOnce } from '../helpers/run-model';

test('exported model logits give the training step\'s loss and correct count', async () => {
  const N = 16;
  const params = initParams(lenet, 5);
  const x = randomFloats(N * 784, 21, 0, 1);
  const labels = Array.from({ length: N }, (_, i) => (i * 7) % 10);
  const bytes = encodeModel(buildInferenceModel(lenet, params));

  const inf = await runOnce(bytes, { [INFERENCE_IO.input]: f32([N, 1, 28, 28], x) });
  const logits = inf[INFERENCE_IO.logits].data as Float32Array;
  const probs = inf[INFERENCE_IO.probabilities].data as Float32Array;
  let loss = 0;
  let correct = 0;
  for (let n = 0; n < N; n++) {
    const row = Array.from(logits.subarray(n * 10, n * 10 + 10));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    loss += (lse - row[labels[n]]) / N;
    if (row.indexOf(m) === labels[n]) correct++;
    row.forEach((v, k) => expect(probs[n * 10 + k]).toBeCloseTo(Math.exp(v - lse), 6));
  }

  const feeds: Record<string, ReturnType<typeof f32>> = {
    x: f32([N, 1, 28, 28], x),
    y: i64([N], labels),
    lr: f32([], Float32Array.of(0)),
  };
  for (const p of lenet.params) feeds[p.name] = f32(p.dims, params.get(p.name)!);
  const step = await runOnce(buildTrainingStep(lenet), feeds);
  expect((step.loss.data as Float32Array)[0]).toBeCloseTo(loss, 5);
  expect(Number((step.correct.data as BigInt64Array)[0])).toBe(correct);
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
