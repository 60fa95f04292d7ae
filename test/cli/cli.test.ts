// The command line as a user runs it: real processes, exit codes, one-line errors.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { encodeModel } from '../../src/onnx/encode';
import { asModel } from '../helpers/run-model';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { cli, ROOT } from '../helpers/cli';


const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-cli-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('build-model writes the training step and the initial model', () => {
  const r = cli('build-model', '--artifacts', dir);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/lenet: 431,080 parameters, training step of \d+ ONNX nodes/);
  expect(existsSync(join(dir, 'lenet.training.onnx'))).toBe(true);
  expect(existsSync(join(dir, 'lenet.init.onnx'))).toBe(true);
});

test('build-model --format ort-training writes the four training-API artifacts, one folder per model', () => {
  const r = cli('build-model', '--artifacts', dir, '--format', 'ort-training', '--lr', '0.1');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/ort-training\/lenet\/\{training_model.onnx, eval_model.onnx, optimizer_model.onnx, checkpoint\} \(SGD lr 0.1\)/);
  const mlp = cli('build-model', '--artifacts', dir, '--format', 'ort-training', '--model', 'mlp');
  expect(mlp.code).toBe(0);
  for (const model of ['lenet', 'mlp']) {
    for (const f of ['training_model.onnx', 'eval_model.onnx', 'optimizer_model.onnx', 'checkpoint']) {
      expect(existsSync(join(dir, 'ort-training', model, f))).toBe(true);
    }
  }
  const lenetTraining = readFileSync(join(dir, 'ort-training', 'lenet', 'training_model.onnx'));
  expect(lenetTraining.equals(readFileSync(join(dir, 'ort-training', 'mlp', 'training_model.onnx')))).toBe(false);
});

test.each([
  [['train', '--lr', '-1'], /--lr must be a positive number, got -1/],
  [['train', '--epochs', 'ten'], /--epochs must be a positive integer, got NaN/],
  [['train', '--batch-size', '2.5'], /--batch-size must be a positive integer/],
  [['train', '--ep', 'tpu'], /Invalid values: Argument: ep, Given: "tpu", Choices: "cpu", "cuda", "webgpu"/],
  [['train', '--loss', 'hinge'], /Invalid values: Argument: loss, Given: "hinge", Choices: "cross-entropy", "mse", "l1", "bce"/],
  [['train', '--threads', '-2'], /--threads must be 0 or a positive integer/],
  [['evaluate', '--bogus-flag'], /Unknown argument/],
  [['frobnicate'], /Unknown argument|name a command/],
  [['train', '--device-id', '1'], /--device-id applies to --ep cuda only/],
  [['train', '--checkpoint-every', 'often'], /--checkpoint-every must look like "2" \(epochs\) or "500steps", got "often"/],
  [['train', '--limit', '0'], /--limit must be a positive integer/],
  [['evaluate', '--min-accuracy', '98'], /--min-accuracy must be between 0 and 1, got 98/],
  [['train', '--stop-at-accuracy', '0.98'], /--stop-at-accuracy needs --val-every/],
  [['train', '--val-every', 'sometimes'], /--val-every must look like "2" \(epochs\) or "500steps"/],
  [['train', '--devices', '0,x'], /--devices must be distinct GPU indices like "0,1", got "0,x"/],
  [['train', '--devices', '0', '--replicas', '2'], /give --devices \(GPUs\) or --replicas \(CPU\), not both/],
  [['train', '--replicas', '2', '--engine', 'ort-training'], /data parallel training .* native engine only/],
  [['train', '--steps-per-run', '0'], /--steps-per-run must be a positive integer, got 0/],
  [['train', '--steps-per-run', '10', '--replicas', '2'], /--steps-per-run cannot be combined with data parallel training/],
  [['train', '--steps-per-run', '10', '--engine', 'ort-training'], /--steps-per-run applies to the native engine/],
  [['train', '--engine', 'ort-training', '--ep', 'cuda'], /--engine ort-training runs on the CPU \(WebAssembly\); it cannot use --ep cuda/],
  [['train', '--micro-batch', '0'], /--micro-batch must be a positive integer, got 0/],
  [['train', '--micro-batch', '50', '--steps-per-run', '10'], /--steps-per-run cannot be combined with --micro-batch/],
  [['train', '--micro-batch', '50', '--engine', 'ort-training'], /--micro-batch runs on the native engine only/],
  [['train', '--model', 'cnn', '--micro-batch', '50'], /--micro-batch cannot split cnn's batches: its batch norm normalizes with the statistics of the whole batch/],
])('bad option %j: one clear message, exit 2', (args, message) => {
  const r = cli(...(args as string[]));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  noStack(r.err);
});

test('evaluate without a trained model says what to do', () => {
  const r = cli('evaluate', '--model-file', join(dir, 'missing.onnx'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/missing.onnx: no such model; train one first/);
  noStack(r.err);
});

test.each([
  ['not ONNX at all', () => writeFileSync(join(dir, 'bad.onnx'), 'not a model at all'), /bad\.onnx: not an ONNX model/],
  ['truncated', () => writeFileSync(join(dir, 'bad.onnx'), readFileSync(join(dir, 'lenet.init.onnx')).subarray(0, 5000)), /bad\.onnx: not an ONNX model/],
  ['a directory', () => mkdirSync(join(dir, 'bad.onnx'), { recursive: true }), /bad\.onnx: is a directory, not a model file/],
])('evaluate on a model file that is %s: clear error naming it, exit 2', (_what, make, message) => {
  rmSync(join(dir, 'bad.onnx'), { recursive: true, force: true });
  make();
  const r = cli('evaluate', '--model-file', join(dir, 'bad.onnx'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(message);
  noStack(r.err);
});

test('evaluate on an ONNX model whose input does not take the data says so', () => {
  const b = new GraphBuilder('flat');
  const x = b.input('pixels', 'float32', ['N', 100]);
  b.output(b.gemm(x, b.constant('float32', [100, 10], new Float32Array(1000)), null), 'scores');
  writeFileSync(join(dir, 'flat.onnx'), encodeModel(asModel(b.build())));
  const r = cli('evaluate', '--model-file', join(dir, 'flat.onnx'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: mnist-test holds 28x28 grayscale images; model '.*flat\.onnx' takes \[100\]\n$/);
});

test('evaluate takes a model that reads the 784 pixels in a row ([N, 784], as imported MLPs do)', () => {
  const b = new GraphBuilder('flat');
  const x = b.input('pixels', 'float32', ['N', 784]);
  const w = new Float32Array(7840);
  for (let i = 0; i < 784; i++) w[i * 10] = 1; // every score but class 0's is 0: ink favours class 0
  b.output(b.gemm(x, b.constant('float32', [784, 10], w), null), 'scores');
  writeFileSync(join(dir, 'flat784.onnx'), encodeModel(asModel(b.build())));
  const r = cli('evaluate', '--model-file', join(dir, 'flat784.onnx'), '--limit', '100', '--min-accuracy', '0');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/accuracy=0\.(0[5-9]|1\d)/); // class 0 always: about 10%
});

test('evaluate scores the untrained model at chance level and exits non-zero below --min-accuracy', () => {
  const r = cli('evaluate', '--model-file', join(dir, 'lenet.init.onnx'), '--min-accuracy', '0.5', '--json', join(dir, 'eval.json'));
  const report = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
  expect(report.total).toBe(10000);
  expect(report.confusion.map((row: number[]) => row.reduce((a, v) => a + v, 0))).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  expect(report.confusion.reduce((a: number, row: number[], i: number) => a + row[i], 0)).toBe(report.correct);
  expect(r.out).toMatch(/rows: actual digit, columns: predicted/);
  expect(r.out).toMatch(/validation acc: accuracy=0\.\d{4} \(\d+\/10000/);
  const acc = Number(/accuracy=(\d\.\d+)/.exec(r.out)![1]);
  expect(acc).toBeLessThan(0.3);
  expect(r.err).toMatch(/below --min-accuracy 0.5/);
  expect(r.code).toBe(1);
});

test('a labels file where the images should be: the IDX error names the file and the mix-up', () => {
  const data = join(dir, 'mixed');
  mkdirSync(data);
  for (const f of ['train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
    writeFileSync(join(data, f), readFileSync(join(MNIST_DIR, f)));
  }
  writeFileSync(join(data, 'train-images-idx3-ubyte.gz'), readFileSync(join(MNIST_DIR, 'train-labels-idx1-ubyte.gz')));
  const r = cli('train', '--artifacts', dir, '--data-dir', data);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/train-images-idx3-ubyte\.gz: expected IDX magic 2051, found 2049 \(is this a labels file\?\)/);
  noStack(r.err);
});

test('a flag given twice is refused (yargs would add up `--epochs 3 --epochs 1` to 4 epochs)', () => {
  const r = cli('train', '--model', 'mlp', '--epochs', '3', '--epochs=1', '--artifacts', join(dir, 'repeat'));
  expect(r.err).toBe('error: --epochs is given twice (--epochs and --epochs=1); give it once\n');
  expect(r.code).toBe(2);
  expect(cli('predict', 'a.png', '--progress', '--no-progress').err).toMatch(/^error: --progress is given twice/);
});

test('a batch larger than the dataset is refused', () => {
  const r = cli('train', '--artifacts', dir, '--batch-size', '100000');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--batch-size 100000 is larger than the 60000 training images/);
});

test('check-ep --ep cuda lists every emitted graph as covered; a missing or non-JSON table is a clear error', () => {
  const r = cli('check-ep', '--ep', 'cuda');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/ok {3}lenet training step: \d+ nodes/);
  expect(r.out).toMatch(/every node has a CUDAExecutionProvider kernel \(placements not checked on this machine\)/);
  const bad = cli('check-ep', '--kernels', join(dir, 'nope.json'));
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/nope\.json: no kernel table there; pass --kernels FILE/);
  const binary = join(dir, 'binary.json');
  writeFileSync(binary, Uint8Array.from([0, 159, 146, 150, 255, 10]));
  const notJson = cli('check-ep', '--kernels', binary);
  expect(notJson.code).toBe(2);
  expect(notJson.err).toBe(`error: ${binary}: not JSON; pass --kernels FILE (see kernel-tables/README.md)\n`);
});

test('--stop-at-accuracy ends training once a step-wise validation reaches it, and exports that model', () => {
  const art = join(dir, 'early');
  const r = cli('train', '--artifacts', art, '--limit', '6000', '--epochs', '3', '--val-every', '20steps', '--stop-at-accuracy', '0.6', '--no-progress');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/validation after 20 steps: accuracy=0\.\d{4}/);
  expect(r.out).toMatch(/reached --stop-at-accuracy 0.6 at epoch \d, step \d+/);
  const accuracies = [...r.out.matchAll(/validation after \d+ steps: accuracy=(0\.\d+)/g)].map((m) => Number(m[1]));
  expect(accuracies[accuracies.length - 1]).toBeGreaterThanOrEqual(0.6);
  expect(accuracies.slice(0, -1).every((a) => a < 0.6)).toBe(true);
  const e = cli('evaluate', '--artifacts', art, '--min-accuracy', '0.6', '--no-details');
  expect(e.code).toBe(0);
});

test('--replicas 2 trains data parallel on CPU sessions', () => {
  const r = cli('train', '--artifacts', join(dir, 'dp'), '--replicas', '2', '--limit', '1000', '--epochs', '1', '--no-progress');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/data parallel over 2 CPU sessions/);
  expect(r.out).toMatch(/training acc at epoch 1\/1: accuracy=0\.\d{4}/);
});

test('--steps-per-run 4 and the CPU default of 10 train with the loop graph and print what one step per run prints', () => {
  const args = ['--limit', '1000', '--epochs', '1', '--no-progress'];
  const looped = cli('train', '--artifacts', join(dir, 'loop'), '--steps-per-run', '4', ...args);
  const byDefault = cli('train', '--artifacts', join(dir, 'default'), ...args);
  const single = cli('train', '--artifacts', join(dir, 'single'), '--steps-per-run', '1', ...args);
  expect(looped.code).toBe(0);
  expect(looped.out).toMatch(/up to 4 steps per run \(ONNX Loop\)/);
  expect(byDefault.out).toMatch(/up to 10 steps per run \(ONNX Loop\)/);
  expect(single.out).not.toMatch(/ONNX Loop/);
  const epochLine = (out: string) => /training acc at epoch 1\/1: accuracy=\S+ loss=\S+/.exec(out)?.[0];
  expect(epochLine(looped.out)).toBeDefined();
  expect(epochLine(looped.out)).toBe(epochLine(single.out));
  expect(epochLine(byDefault.out)).toBe(epochLine(single.out));
});

test('compare-ep: the loop graph on the CPU agrees with the step graph exactly; a missing provider is one line', () => {
  const r = cli('compare-ep', '--ep', 'cpu', '--steps', '6', '--steps-per-run', '4');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/6 steps of lenet \(batch 100, SGD lr 0\.03\) on cpu, 4 steps per run against the CPU/);
  expect(r.out).toMatch(/largest loss difference 0\.00e\+0/);
  expect(r.out).toMatch(/largest parameter difference after 6 steps 0\.00e\+0, parameters up to 0\.\d+/);
  expect(r.out).toMatch(/cpu agrees with the CPU within 0\.001/);
  if (!existsSync(join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'))) {
    const c = cli('compare-ep', '--ep', 'cuda', '--steps', '2');
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/^error: the CUDA execution provider is not available .*ONNXRUNTIME_NODE_INSTALL=cuda12/);
    noStack(c.err);
  }
});

test('--ep cuda without the CUDA provider: one line saying how to install it, exit 2', () => {
  const r = cli('train', '--artifacts', join(dir, 'cuda'), '--ep', 'cuda', '--limit', '200', '--epochs', '1');
  if (existsSync(join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'))) {
    expect(r.code).toBe(0); // a machine with the provider installed trains on the GPU
    return;
  }
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/the CUDA execution provider is not available .*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  expect(r.err.trim().split('\n')).toHaveLength(1);
});

test('--ep cuda --fallback cpu runs on the CPU with one warning when the provider is missing', () => {
  const r = cli('train', '--artifacts', join(dir, 'fb'), '--ep', 'cuda', '--fallback', 'cpu', '--limit', '300', '--epochs', '1', '--val-every', '1', '--no-progress');
  expect(r.code).toBe(0);
  if (!existsSync(join(ROOT, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'))) {
    expect(r.err.match(/^warning: the CUDA execution provider is not available/gm)).toHaveLength(1);
    expect(r.err).toMatch(/running on the CPU instead \(--fallback cpu\)/);
  }
});

test('--ep webgpu: trains where an adapter exists, else one clear line and exit 2', () => {
  const r = cli('train', '--artifacts', join(dir, 'wgpu'), '--ep', 'webgpu', '--limit', '200', '--epochs', '1', '--no-progress');
  expect([0, 2]).toContain(r.code);
  if (r.code === 2) {
    expect(r.err).toMatch(/^error: the WebGPU execution provider could not start .*; train with --ep cpu\.$/m);
    // Dawn (the WebGPU library) prints its own native warning about Vulkan; no JavaScript stack follows.
    expect(r.err).not.toMatch(/^\s+at .*\.(ts|js):\d+/m);
  }
});

test('--model mlp trains, exports artifacts/mlp.onnx and evaluates', () => {
  const t = cli('train', '--model', 'mlp', '--artifacts', dir, '--epochs', '2', '--no-progress', '--val-every', '1');
  expect(t.code).toBe(0);
  expect(t.out).toMatch(/training acc at epoch 2\/2: accuracy=0\.\d{4} loss=\d\.\d{4} val accuracy=0\.\d{4}/);
  // The run's record: one metrics line per epoch, and the plot.
  const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs')).sort().pop()!);
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((m) => m.epoch)).toEqual([1, 2]);
  for (const m of lines) expect(Object.keys(m).sort()).toEqual(['elapsed_s', 'epoch', 'loss', 'lr', 'samples_per_s', 'train_accuracy', 'val_accuracy']);
  const svg = readFileSync(join(runDir, 'report.svg'), 'utf8');
  expect(svg).toMatch(/^<svg[\s\S]*training loss[\s\S]*accuracy[\s\S]*validation[\s\S]*<\/svg>$/);
  expect(t.out).toMatch(/training mlp on 60,000 MNIST images .* SGD lr 0.02/);
  expect(existsSync(join(dir, 'mlp.onnx'))).toBe(true);
  const e = cli('evaluate', '--model', 'mlp', '--artifacts', dir, '--min-accuracy', '0.85');
  expect(e.code).toBe(0);
  expect(Number(/accuracy=(\d\.\d+)/.exec(e.out)![1])).toBeGreaterThan(0.85);
});
