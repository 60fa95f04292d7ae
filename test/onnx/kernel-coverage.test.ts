// Every graph the project emits runs entirely on ONNX Runtime's CPU and CUDA providers:
// each node has a registered kernel for its op, opset and input types (no silent CPU fallback).
import { CoverageProblem, DEFAULT_KERNEL_TABLE, DEFAULT_WEBGPU_KERNEL_TABLE, readKernelTable, uncoveredNodes } from '../../src/graph/kernel-coverage';
import { emittedModels } from '../../src/cli/emitted-models';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { asModel } from '../helpers/run-model';
import { attr } from '../../src/graph/types';

const table = readKernelTable(process.env.ORT_KERNELS_JSON ?? DEFAULT_KERNEL_TABLE, (why) => new Error(why));

const models = Object.fromEntries(emittedModels());

describe.each(['CPUExecutionProvider', 'CUDAExecutionProvider'])('%s', (provider) => {
  test.each(Object.keys(models))('has a kernel for every node of the %s', (name) => {
    expect(uncoveredNodes(models[name], table, provider)).toEqual([]);
  });
});

const webgpu = readKernelTable(DEFAULT_WEBGPU_KERNEL_TABLE, (why) => new Error(why));

describe('WebGpuExecutionProvider', () => {
  test.each(Object.keys(models))('has a kernel for every node of the %s, but for Loop control', (name) => {
    const onHost: CoverageProblem[] = [];
    expect(uncoveredNodes(models[name], webgpu, 'WebGpuExecutionProvider', onHost)).toEqual([]);
    // the Loop and its trip count (a Gather from an int64 shape) are host work by design
    expect(onHost.map((n) => n.opType)).toEqual(name.includes('loop') ? ['Gather', 'Loop'] : []);
  });

  test('the table flags the ops the WebGPU provider lacks (those the training graphs used to need)', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [2, 3]);
    const y = b.input('y', 'int64', [2]);
    b.output(b.logSoftmax(x, 1), 'log_probs');
    b.output(b.size(x), 'n');
    b.output(b.zerosLike(x), 'zeros');
    b.output(b.equal(y, y), 'hit');
    const problems = uncoveredNodes(asModel(b.build()), webgpu, 'WebGpuExecutionProvider');
    expect(problems.map((p) => p.opType)).toEqual(['LogSoftmax', 'Size', 'ConstantOfShape', 'Equal']);
    expect(problems[3].reason).toMatch(/tensor\(int64\).*not in T = \[tensor\(float\)\]/);
  });
});

test('the check does flag what CUDA lacks', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', [2, 3]);
  b.output(b.op('SoftmaxCrossEntropyLoss', [x, b.input('y', 'int64', [2])], {}, { untyped: true })[0], 'loss');
  b.output(b.argMax(b.cast(x, 'int64'), 1, false), 'am'); // CUDA ArgMax takes floats only
  const problems = uncoveredNodes(asModel(b.build()), table, 'CUDAExecutionProvider');
  expect(problems.map((p) => p.opType)).toEqual(['SoftmaxCrossEntropyLoss', 'ArgMax']);
  expect(problems[1].reason).toMatch(/tensor\(int64\).*not in T/);
});

test('the check looks inside Loop bodies', () => {
  const body = new GraphBuilder('body');
  body.input('i', 'int64', []);
  const cond = body.input('cond', 'bool', []);
  const acc = body.input('acc', 'float32', [2]);
  body.output(body.identity(cond), 'cond_out');
  body.output(body.op('MaxUnpool', [acc, body.cast(acc, 'int64')], {}, { untyped: true })[0], 'acc_out');
  const b = new GraphBuilder('outer');
  const init = b.input('init', 'float32', [2]);
  const [out] = b.op('Loop', [b.i64([3]), null, init], { body: attr.graph(body.build()) }, { outputs: 1 });
  b.output(out, 'final');
  const problems = uncoveredNodes(asModel(b.build()), table, 'CUDAExecutionProvider');
  expect(problems.map((p) => p.opType)).toEqual(['MaxUnpool']);
  expect(uncoveredNodes(asModel(b.build()), table, 'CPUExecutionProvider')).toEqual([]);
});
