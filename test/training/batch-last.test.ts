// The batch-last training formulation (convolutions as whole-batch GEMMs) against the model's own
// batch-first graph: same loss, same accuracy count, same gradients to float tolerance, on LeNet and
// the batch-norm cnn with real digits and on a model mixing ops that are lowered with ops that are not.
import { cnn } from '../../model/cnn.onnx-builder';
import { lenet } from '../../model/lenet.onnx-builder';
import { fillBatch } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { inOrder } from '../../src/data/shuffle';
import { ModelDefinition, randomInputName, stateOf } from '../../src/graph/model-definition';
import { HostTensor } from '../../src/runtime/host-tensor';
import { initParams } from '../../src/training/graphs/init';
import { TrainingLayout } from '../../src/training/graphs/batch-last-forward';
import { PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { buildGradientGraph, buildTrainingStep, gradName, STEP_INPUTS, updatedName } from '../../src/training/graphs/step-graph';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { pythonWith } from '../helpers/python';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f32, i64, randomFloats, runOnce } from '../helpers/run-model';

/** A depthwise conv (grouped), a padded conv with Clip (a low ceiling, so that it clips) and LeakyRelu, a tiled pool and a strided conv (lowered), an overlapping average pool (not lowered), a dense layer with a [in, out] weight. */
const mixed: ModelDefinition = {
  name: 'mixed',
  sampleDims: [2, 9, 9],
  classes: 4,
  params: [
    { name: 'c0.w', dims: [2, 1, 3, 3], init: 'xavier' },
    { name: 'c1.w', dims: [3, 2, 3, 3], init: 'xavier' },
    { name: 'c1.b', dims: [3], init: 'zeros' },
    { name: 'c2.w', dims: [4, 3, 2, 2], init: 'xavier' },
    { name: 'd.w', dims: [16, 4], init: 'xavier' },
  ],
  forward(b, x, p) {
    const d = b.tanh(b.conv(x, p['c0.w'], null, { pads: [1, 1, 1, 1], group: 2 })); // [N,2,9,9]
    const e = b.averagePool(d, [3, 3], [1, 1]); // [N,2,7,7]
    const relu6 = b.op('Clip', [b.conv(e, p['c1.w'], p['c1.b'], { pads: [2, 1, 1, 2] }), b.f32(0), b.f32(0.5)])[0]; // [N,3,8,8]
    const a = b.leakyRelu(relu6, 0.1);
    const pooled = b.maxPool(a, [2, 2], [2, 2]); // [N,3,4,4]
    const c = b.tanh(b.conv(pooled, p['c2.w'], null, { strides: [2, 2] })); // [N,4,2,2]
    return b.gemm(b.flatten(c, 1), p['d.w'], null); // [N,4]
  },
};

async function gradientsOf(def: ModelDefinition, layout: TrainingLayout, x: Float32Array, y: number[], seed: number) {
  const params = initParams(def, seed);
  const feeds = { x: f32([y.length, ...def.sampleDims], x), y: i64([y.length], y) } as Record<string, ReturnType<typeof f32>>;
  for (const p of def.params) feeds[p.name] = f32(p.dims, params.get(p.name)!);
  const out = await runOnce(buildGradientGraph(def, layout), feeds);
  return {
    loss: (out.loss.data as Float32Array)[0],
    correct: (out.correct.data as Float32Array)[0],
    grads: Object.fromEntries(def.params.map((p) => [p.name, out[gradName(p.name)].data as Float32Array])),
  };
}

/** Worst |a - b| relative to the largest |b| of the parameter's gradient. */
function worstRelative(a: Record<string, Float32Array>, b: Record<string, Float32Array>) {
  let worst = 0;
  for (const name of Object.keys(b)) {
    const scale = b[name].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let i = 0; i < b[name].length; i++) worst = Math.max(worst, Math.abs(a[name][i] - b[name][i]) / scale);
  }
  return worst;
}

test('LeNet: batch-last gradients equal batch-first ones on real digits (ties in every blank window)', async () => {
  const N = 16;
  const { x, y } = fillBatch(loadSplit(MNIST_DIR, 'test'), inOrder(N), 0, N, new Float32Array(N * 784), new BigInt64Array(N));
  const labels = Array.from(y, Number);
  const last = await gradientsOf(lenet, 'batch-last', x, labels, 5);
  const first = await gradientsOf(lenet, 'batch-first', x, labels, 5);
  expect(Math.abs(last.loss - first.loss)).toBeLessThan(1e-5);
  expect(last.correct).toBe(first.correct);
  expect(worstRelative(last.grads, first.grads)).toBeLessThan(1e-4);
});

test('a model mixing lowered and kept ops: same gradients either way', async () => {
  const N = 5;
  const x = randomFloats(N * 2 * 81, 7);
  const labels = [0, 3, 1, 2, 3];
  const last = await gradientsOf(mixed, 'batch-last', x, labels, 8);
  const first = await gradientsOf(mixed, 'batch-first', x, labels, 8);
  expect(Math.abs(last.loss - first.loss)).toBeLessThan(1e-6);
  expect(worstRelative(last.grads, first.grads)).toBeLessThan(1e-5);
});

test('what is lowered: strided, padded and grouped convs become (Pad,) Gather + GEMM (a MatMul over the groups), tiled pools ReduceMax / ReduceMean; an overlapping pool stays as it is', () => {
  const lenetNodes = buildGradientGraph(lenet, 'batch-last').graph.nodes;
  const lenetOps = lenetNodes.map((n) => n.opType);
  for (const op of ['Conv', 'ConvTranspose', 'MaxPool', 'SpaceToDepth', 'DepthToSpace', 'Pad']) expect(lenetOps).not.toContain(op);
  // one im2col Gather per conv (the other two Gathers pick one-hot rows for the loss)
  expect(lenetNodes.filter((n) => n.opType === 'Gather' && /patch_rows/.test(n.inputs[1]?.name ?? '')).map((n) => n.inputs[1]?.name)).toEqual(['conv1_patch_rows', 'conv2_patch_rows']);
  // conv2's patch gradients fold back with two MatMuls (conv1's input needs no gradient); no racy ScatterND.
  expect(lenetOps.filter((op) => op === 'MatMul')).toHaveLength(2);
  expect(lenetOps).not.toContain('ScatterND');
  const mixedNodes = buildGradientGraph(mixed, 'batch-last').graph.nodes;
  const convsOf = (w: string) => mixedNodes.filter((n) => n.opType === 'Conv' && n.inputs[1]?.name === w);
  expect(convsOf('c0.w')).toHaveLength(0);
  expect(convsOf('c1.w')).toHaveLength(0);
  expect(convsOf('c2.w')).toHaveLength(0);
  expect(mixedNodes.filter((n) => n.opType === 'Pad' && /_padded/.test(n.name))).toHaveLength(2); // c0's and c1's
  expect(mixedNodes.filter((n) => n.opType === 'MatMul' && /_groups$/.test(n.outputs[0].name))).toHaveLength(1); // c0's product over its groups
  expect(mixedNodes.filter((n) => n.opType === 'AveragePool')).toHaveLength(1);
  // Clip and LeakyRelu run on the batch-last [C, rest] value as they are (no trip back to batch-first)
  for (const op of ['Clip', 'LeakyRelu']) expect(mixedNodes.find((n) => n.opType === op)?.inputs[0]?.shape?.[0]).toBe(3);
  expect(mixedNodes.map((n) => n.opType)).not.toContain('MaxPool');
  const cnnNodes = buildTrainingStep(cnn, PLAIN_SGD, 'batch-last').graph.nodes;
  for (const op of ['ConvTranspose', 'AveragePool']) expect(cnnNodes.map((n) => n.opType)).not.toContain(op);
  // No Conv in the forward pass; the image gradients of conv2 and conv3 are one Conv each (autodiff/fusions/PatchConvolution.ts),
  // on dY as it lies, [1, Cout, OW, OH, N] with a [3, 3, 1] kernel, and no Transpose around them.
  expect(cnnNodes.filter((n) => n.opType === 'Conv').map((n) => n.inputs[0]?.shape)).toEqual([[1, 64, 14, 14, 'N'], [1, 32, 28, 28, 'N']]);
  const perms = cnnNodes.filter((n) => n.opType === 'Transpose').map((n) => JSON.stringify(n.attrs.perm?.kind === 'ints' ? n.attrs.perm.value : []));
  expect(perms.filter((p) => p === '[3,0,1,2]' || p === '[1,2,3,0]')).toEqual([]); // no turn to [N, C, W, H] and back
});

/** One SGD step with learning rate 1 (updated = params - gradient) and the batch statistics it records, in each layout. */
async function stepOf(def: ModelDefinition, layout: TrainingLayout, x: Float32Array, y: number[], random: Record<string, Float32Array>, seed: number, params = initParams(def, seed)) {
  const feeds: Record<string, HostTensor> = {
    [STEP_INPUTS.images]: f32([y.length, ...def.sampleDims], x),
    [STEP_INPUTS.labels]: i64([y.length], y),
    [STEP_INPUTS.learningRate]: f32([], new Float32Array([1])),
  };
  for (const p of [...def.params, ...stateOf(def)]) feeds[p.name] = f32(p.dims, params.get(p.name)!);
  for (const [name, values] of Object.entries(random)) feeds[randomInputName(name)] = f32([y.length, values.length / y.length], values);
  const out = await runOnce(buildTrainingStep(def, PLAIN_SGD, layout), feeds);
  const moved = (name: string) => (out[updatedName(name)].data as Float32Array).map((v, i) => v - params.get(name)![i]);
  return {
    loss: (out.loss.data as Float32Array)[0],
    grads: Object.fromEntries(def.params.map((p) => [p.name, moved(p.name)])),
    state: Object.fromEntries(stateOf(def).map((s) => [s.name, moved(s.name)])),
  };
}

test('cnn (padded convs, batch norm, average pools, dropout): batch-last step equals batch-first on real digits', async () => {
  // Blank pixels repeat one value thousands of times; a single float32 sum over a whole [C, H*W*N]
  // row for the batch mean was off by 1e-2 here. The batch-last mean sums over the batch first.
  const N = 16;
  const { x, y } = fillBatch(loadSplit(MNIST_DIR, 'test'), inOrder(N), 0, N, new Float32Array(N * 784), new BigInt64Array(N));
  const labels = Array.from(y, Number);
  const random = { dropout: randomFloats(N * 3136, 9, 0, 1) };
  const last = await stepOf(cnn, 'batch-last', x, labels, random, 3);
  const first = await stepOf(cnn, 'batch-first', x, labels, random, 3);
  expect(Math.abs(last.loss - first.loss)).toBeLessThan(1e-5);
  expect(worstRelative(last.grads, first.grads)).toBeLessThan(1e-4);
  expect(worstRelative(last.state, first.state)).toBeLessThan(1e-4);
});

const python = pythonWith(['torch']);
if (!python && process.env.REQUIRE_TORCH) throw new Error('REQUIRE_TORCH is set but no Python with torch was found (set ONNX_PYTHON)');
if (!python) console.warn('skipping the float64 comparison of the cnn: no Python with torch (set ONNX_PYTHON)');

test('cnn at batch 128 on real digits: both layouts\' gradients within 2.5e-6 of PyTorch\'s float64 autograd (batch norm: one fused backward rule)', async () => {
  if (!python) return;
  const N = 128;
  const { x, y } = fillBatch(loadSplit(MNIST_DIR, 'test'), inOrder(N), 0, N, new Float32Array(N * 784), new BigInt64Array(N));
  const labels = Array.from(y, Number);
  const params = initParams(cnn, 5);
  const jitter = randomFloats(64, 11, -0.5, 0.5);
  for (const p of cnn.params.filter((p) => p.name.includes('.bn.'))) params.set(p.name, params.get(p.name)!.map((v, i) => v + jitter[i])); // scales and biases that matter
  const keepAll = { dropout: new Float32Array(N * 3136) }; // every feature kept (times 1 / 0.8)
  const dir = mkdtempSync(join(tmpdir(), 'cnn-f64-'));
  const input = join(dir, 'input.json');
  writeFileSync(input, JSON.stringify({ batch: N, pixels: Array.from(x), labels, params: Object.fromEntries(cnn.params.map((p) => [p.name, Array.from(params.get(p.name)!)])) }));
  const r = spawnSync(python, [join(__dirname, 'cnn-f64.py'), input], { encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(dir, { recursive: true, force: true });
  expect(r.stderr).toBe('');
  const reference = JSON.parse(r.stdout) as { loss: number; grads: Record<string, number[]> };
  const f64 = Object.fromEntries(Object.entries(reference.grads).map(([k, v]) => [k, Float32Array.from(v)]));
  for (const layout of ['batch-first', 'batch-last'] as const) {
    const step = await stepOf(cnn, layout, x, labels, keepAll, 5, params);
    // moved = -gradient at learning rate 1
    const grads = Object.fromEntries(Object.entries(step.grads).map(([k, v]) => [k, v.map((g) => -g)]));
    console.log(`cnn, batch ${N}, ${layout}: loss ${step.loss} (float64 ${reference.loss}); gradients within ${worstRelative(grads, f64).toExponential(2)} of float64`);
    expect(Math.abs(step.loss - reference.loss)).toBeLessThan(1e-5);
    expect(worstRelative(grads, f64)).toBeLessThan(2.5e-6);
  }
});
