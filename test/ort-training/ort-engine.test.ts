// ONNX Runtime's own training API (onnxruntime-web 1.18.0's training build) runs the artifacts
// this project writes, and trains exactly like the project's own step graph.
import { lenet } from '../../model/lenet.onnx-builder';
import { makeDataset } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { decodeModel } from '../../src/onnx/decode';
import { encodeModel } from '../../src/onnx/encode';
import { buildOrtArtifacts, checkOrtArtifacts, OrtArtifactBytes } from '../../src/ort-training/artifact-files';
import { buildOrtOptimizerModel, buildOrtTrainingModel, gradBuffer } from '../../src/ort-training/artifact-graphs';
import { checkpointFromParams, decodeOrtCheckpoint, encodeOrtCheckpoint } from '../../src/ort-training/checkpoint-flatbuffer';
import { ortEngine } from '../../src/training/engines/ort-training-engine';
import { initialOptimizerState, OptimizerConfig, PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { OrtArtifactError, validateOrtArtifacts } from '../../src/ort-training/validate';
import { initParams } from '../../src/training/graphs/init';
import { runEpochsOnStepGraph as trainWithStepGraph } from '../../src/training/run/trainer';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { initialState, runEpochs as train } from '../../src/training/run/trainer';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets, importModel, ortTrainingArtifacts, ortTrainingEngine, train as trainLibrary } from '../../src/index';
import { optimizerConfigOf } from '../../src/training/run/recipe-settings';
import { buildInferenceModel } from '../../src/inference/inference-graph';

const params = initParams(lenet, 8);

test('the FlatBuffer checkpoint round-trips: same names, dims and values', () => {
  const bytes = encodeOrtCheckpoint(checkpointFromParams(lenet.params, params, 0.03, 7));
  expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ODTC');
  const back = decodeOrtCheckpoint(bytes);
  expect(back.version).toBe(2);
  expect(back.step).toBe(7);
  expect(back.learningRate).toBeCloseTo(0.03, 7);
  expect(back.frozen).toEqual([]);
  expect(back.params.map((p) => [p.name, p.dims])).toEqual(lenet.params.map((p) => [p.name, p.dims]));
  for (const p of back.params) expect(p.data).toEqual(params.get(p.name));
});

const maxDifference = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) => {
  let worst = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst;
};

async function bothEngines(n: number, epochs: number, optimizer: OptimizerConfig = PLAIN_SGD, learningRate = 0.05) {
  const full = loadSplit(MNIST_DIR, 'train');
  const data = makeDataset('small', { ...full.images, count: n, pixels: full.images.pixels.subarray(0, n * 784) }, full.labels.subarray(0, n));
  const recipe = { model: 'lenet', epochs, batchSize: 32, learningRate, seed: 2, optimizer };
  const engine = await ortEngine(lenet, buildOrtArtifacts(lenet, params, recipe.learningRate, optimizer), params, recipe.learningRate);
  const viaOrt = await train(engine, initialState(recipe, params), data);
  await engine.release();
  const start = new Map([...params, ...initialOptimizerState(lenet, optimizer)]);
  const native = await trainWithStepGraph(lenet, encodeModel(buildTrainingStep(lenet, optimizer)), initialState(recipe, start), data, { threads: 1 });
  return { viaOrt, native, difference: maxDifference(viaOrt.state.params, native.state.params) };
}

test('4 SGD steps on the ORT training build give the native engine\'s parameters to float precision', async () => {
  const { difference } = await bothEngines(128, 1);
  console.log(`ORT training API vs native step graph, 4 steps: max |param difference| ${difference.toExponential(2)}`);
  expect(difference).toBeLessThan(1e-6);
}, 60_000);

/** Sorted |a - b| over every parameter value. */
function differences(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number[] {
  const all: number[] = [];
  for (const [name, x] of a) x.forEach((v, i) => all.push(Math.abs(v - b.get(name)![i])));
  return all.sort((p, q) => p - q);
}

test('4 AdamW steps on the ORT training build (AdamWOptimizer) give the native AdamW graph\'s parameters', async () => {
  // Settings far from the defaults, so that a betas or decay mix-up would show everywhere.
  const adamw = { ...PLAIN_SGD, name: 'adamw' as const, weightDecay: 0.5, beta1: 0.8, beta2: 0.95, eps: 1e-6 };
  const { viaOrt, native } = await bothEngines(128, 1, adamw, 0.01);
  const d = differences(viaOrt.state.params, native.state.params);
  const p99 = d[Math.floor(0.99 * d.length)];
  // Adam moves each value by about lr whatever its gradient's size, so where a gradient is ~0
  // (MNIST's empty border) float noise between the engines can flip its sign: the largest
  // difference is bounded by a few lr, the typical one is float noise.
  console.log(`ORT training API AdamW vs native AdamW, 4 steps: |param difference| 99th percentile ${p99.toExponential(2)}, max ${d[d.length - 1].toExponential(2)}`);
  expect(p99).toBeLessThan(1e-6);
  expect(d[d.length - 1]).toBeLessThan(4 * 0.01);
}, 60_000);

test('over 24 steps the loss goes down on both engines, which stay close', async () => {
  const { viaOrt, native, difference } = await bothEngines(256, 3);
  // Float rounding differs between the WebAssembly and native kernels; a max-pool tie that one
  // engine sees and the other misses by an ulp then sends the trajectories slightly apart.
  console.log(`ORT training API vs native step graph, 24 steps: max |param difference| ${difference.toExponential(2)}`);
  const losses = viaOrt.state.history.map((h) => h.loss);
  expect(losses[2]).toBeLessThan(losses[0]);
  expect(difference).toBeLessThan(1e-3);
  viaOrt.state.history.forEach((h, i) => expect(h.loss).toBeCloseTo(native.state.history[i].loss, 3));
}, 60_000);

describe('artifact validation names the problem before the runtime sees it', () => {
  const good = () => buildOrtArtifacts(lenet, params, 0.03);
  const decoded = () => {
    const a = good();
    return { training: decodeModel(a.training), optimizer: decodeModel(a.optimizer), checkpoint: decodeOrtCheckpoint(a.checkpoint) };
  };

  test('the emitted artifacts pass', () => {
    expect(() => checkOrtArtifacts(good())).not.toThrow();
  });

  test('a missing gradient buffer', () => {
    const d = decoded();
    d.training.graph.inputs = d.training.graph.inputs.filter((v) => v.name !== gradBuffer('dense1.bias'));
    expect(() => validateOrtArtifacts(d)).toThrow(/gradient buffer input 'dense1.bias_grad.accumulation.buffer' \[500\] missing/);
  });

  test('optimizer inputs out of order', () => {
    const d = decoded();
    d.optimizer.graph.inputs.reverse();
    expect(() => validateOrtArtifacts(d)).toThrow(OrtArtifactError);
    expect(() => validateOrtArtifacts(d)).toThrow(/inputs must be exactly \[learning_rate,step,params,gradients,first_order_moments\]/);
  });

  test('a checkpoint of the wrong version or with other shapes', () => {
    const d = decoded();
    expect(() => validateOrtArtifacts({ ...d, checkpoint: { ...d.checkpoint, version: 1 } })).toThrow(/version 1, onnxruntime-web 1.18 reads version 2/);
    const [first, ...rest] = d.checkpoint.params;
    const reshaped = { ...d.checkpoint, params: [{ ...first, dims: [20, 25] }, ...rest] };
    expect(() => validateOrtArtifacts({ ...d, checkpoint: reshaped })).toThrow(/input 'conv1.weight' is \[20,1,5,5\], the checkpoint holds \[20,25\]/);
  });

  test('opset above 21', () => {
    const d = decoded();
    d.training.opsets[''] = 22;
    expect(() => validateOrtArtifacts(d)).toThrow(/opset 22 > 21/);
  });

  test('the optimizer declares a scalar output (the ONNX checker wants a shape; 1.18 infers a scalar); com.microsoft 1', () => {
    const opt = buildOrtOptimizerModel(0.1);
    expect(opt.graph.outputs[0].shape).toEqual([]);
    expect(buildOrtTrainingModel(lenet).opsets['com.microsoft']).toBe(1);
  });
});

// onnxruntime-web 1.18's getContiguousParameters frees a stack address as heap memory; with this
// model's 1,503 trainable values that corrupted its heap ("memory access out of bounds"). The
// engine reads the parameters as the eval model's output instead.
test('a new 3-class head on LeNet trains on the training API as on the native engine (parameters read back through the eval model)', async () => {
  const file = encodeModel(buildInferenceModel(lenet, params));
  const def = importModel(file, { newHead: { classes: 3 } });
  expect(def.params.map((p) => p.dims)).toEqual([[3, 500], [3]]);
  const full = loadSplit(MNIST_DIR, 'train');
  const data = datasets.fromArrays({ name: 'three', pixels: full.images.pixels.subarray(0, 60 * 784), rows: 28, cols: 28, labels: Uint8Array.from({ length: 60 }, (_, i) => full.labels[i] % 3) });
  const options = { epochs: 2, batchSize: 20, learningRate: 0.05 };
  const viaOrt = await trainLibrary(def, data, { ...options, engine: ortTrainingEngine(mkdtempSync(join(tmpdir(), 'ort-head-'))) });
  const native = await trainLibrary(def, data, options);
  const head = (t: typeof native) => new Map(def.params.map((p) => [p.name, t.params.get(p.name)!]));
  expect(maxDifference(head(viaOrt), head(native))).toBeLessThan(1e-5);
});

/** The four artifacts byte for byte. */
const sameFiles = (a: OrtArtifactBytes, b: OrtArtifactBytes) => (['training', 'eval', 'optimizer', 'checkpoint'] as const).every((k) => Buffer.from(a[k]).equals(b[k]));

test('ortTrainingArtifacts, the library\'s generate_artifacts: the same four files the engine trains on, its defaults, and one-line refusals of what the training API cannot run', () => {
  expect(sameFiles(ortTrainingArtifacts(lenet, { params, learningRate: 0.05 }), buildOrtArtifacts(lenet, params, 0.05))).toBe(true);
  // Defaults: the seeded Xavier initialization and the recipe's SGD rate.
  expect(sameFiles(ortTrainingArtifacts(lenet, { seed: 8 }), buildOrtArtifacts(lenet, initParams(lenet, 8), 0.03))).toBe(true);
  expect(sameFiles(ortTrainingArtifacts(lenet, { seed: 9 }), buildOrtArtifacts(lenet, initParams(lenet, 8), 0.03))).toBe(false);
  const adamw = ortTrainingArtifacts(lenet, { params, optimizer: { name: 'adamw', weightDecay: 0.5 } });
  checkOrtArtifacts(adamw);
  expect(sameFiles(adamw, buildOrtArtifacts(lenet, params, 0.001, optimizerConfigOf({ name: 'adamw', weightDecay: 0.5 })))).toBe(true);
  const mse = ortTrainingArtifacts(lenet, { params, loss: 'mse' }).training;
  expect(Buffer.from(mse).equals(encodeModel(buildOrtTrainingModel({ ...lenet, loss: 'mse' })))).toBe(true);
  expect(Buffer.from(mse).equals(encodeModel(buildOrtTrainingModel(lenet)))).toBe(false);
  expect(() => ortTrainingArtifacts(lenet, { optimizer: 'adam' as 'adamw' })).toThrow(/^ortTrainingArtifacts: ORT's training API has AdamW .* but no Adam/);
  expect(() => ortTrainingArtifacts(lenet, { optimizer: { name: 'sgd', momentum: 0.9 } })).toThrow(/no momentum/);
  expect(() => ortTrainingArtifacts(lenet, { learningRate: 0 })).toThrow('learningRate must be positive, got 0');
});
