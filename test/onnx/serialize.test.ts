// Serialization is deterministic and round-trips through the decoder.
import { createHash } from 'node:crypto';
import { lenet } from '../../model/lenet.onnx-builder';
import { buildInferenceModel } from '../../src/inference/inference-graph';
import { decodeModel, OnnxDecodeError } from '../../src/onnx/decode';
import { encodeModel } from '../../src/onnx/encode';
import { initParams } from '../../src/training/graphs/init';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('building and encoding the training step twice gives identical bytes', () => {
  expect(sha(encodeModel(buildTrainingStep(lenet)))).toBe(sha(encodeModel(buildTrainingStep(lenet))));
});

test('the same seed gives a byte-identical initial model; another seed does not', () => {
  const a = encodeModel(buildInferenceModel(lenet, initParams(lenet, 1)));
  const b = encodeModel(buildInferenceModel(lenet, initParams(lenet, 1)));
  const c = encodeModel(buildInferenceModel(lenet, initParams(lenet, 2)));
  expect(sha(a)).toBe(sha(b));
  expect(sha(a)).not.toBe(sha(c));
});

test('decode then encode reproduces the bytes (training step and inference model)', () => {
  for (const model of [buildTrainingStep(lenet), buildInferenceModel(lenet, initParams(lenet, 1), { k: 'v' })]) {
    const bytes = encodeModel(model);
    const again = decodeModel(bytes);
    // Intermediate value types are not stored in the file; everything that is stored round-trips.
    expect(sha(encodeModel(again))).toBe(sha(bytes));
  }
});

test('attributes are written in sorted order, whatever order the builder used', () => {
  const model = buildTrainingStep(lenet);
  const bytes = encodeModel(model);
  const decoded = decodeModel(bytes);
  for (const node of decoded.graph.nodes) {
    const names = Object.keys(node.attrs);
    expect(names).toEqual([...names].sort());
  }
});

test('non-ONNX bytes give a clear decode error', () => {
  expect(() => decodeModel(new TextEncoder().encode('definitely not a protobuf model'))).toThrow(OnnxDecodeError);
  expect(() => decodeModel(new Uint8Array(0))).toThrow(/not an ONNX model/);
});
