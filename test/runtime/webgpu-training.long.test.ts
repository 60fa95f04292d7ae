// Training on WebGPU, checked on a real (software) GPU: `compare-ep --ep webgpu` runs the same
// optimizer steps on ONNX Runtime's WebGPU provider and on the CPU from the same start and batches;
// `train` and `evaluate` print the CPU's numbers; ONNX Runtime places every compute node on WebGPU.
// The training graphs have no grouped convolution, whose WebGPU kernel computes wrong results for
// some channel counts (docs/ort-webgpu-grouped-conv.md): LeNet's are batch-last GEMMs, and a padded
// convolution's weight gradient cuts its patches with strided Slices. With them the two providers
// agree to float rounding.
// CI sets REQUIRE_WEBGPU, so that there a missing software GPU fails instead of skipping.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliWith, ROOT } from '../helpers/cli';
import { softwareGpu } from '../helpers/software-gpu';
import { residualModel } from '../helpers/hand-made-onnx';

jest.setTimeout(300_000);

async function gpuEnv(): Promise<NodeJS.ProcessEnv | undefined> {
  const gpu = await softwareGpu();
  if ('env' in gpu) return gpu.env;
  if (process.env.REQUIRE_WEBGPU) throw new Error(`REQUIRE_WEBGPU is set but there is ${gpu.missing}`);
  console.warn(`skipping the WebGPU training check: ${gpu.missing}`);
  return undefined;
}

const largestParameterDifference = (out: string) => Number(/largest parameter difference after \d+ steps (\S+)/.exec(out)?.[1]);

test('SGD steps of the step graph on WebGPU equal the CPU\'s to float rounding', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const r = cliWith(env, 'compare-ep', '--ep', 'webgpu', '--steps', '3', '--batch-size', '8', '--steps-per-run', '1');
  expect(r.err).not.toMatch(/could not start/);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/webgpu agrees with the CPU/);
  expect(largestParameterDifference(r.out)).toBeLessThan(1e-6); // measured 1.5e-8 (batch-first graphs: 2.5e-3 after 5 steps at batch 100)
});

test('SGD steps of the K-step Loop graph on WebGPU agree with the CPU\'s to 1e-4', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const r = cliWith(env, 'compare-ep', '--ep', 'webgpu', '--steps', '4', '--batch-size', '8', '--steps-per-run', '2', '--tolerance', '1e-4');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/webgpu, 2 steps per run against the CPU/);
  expect(largestParameterDifference(r.out)).toBeLessThan(1e-6); // measured 1.5e-8
});

test.each([
  ['l1', '1'],
  ['bce', '2'],
  ['mse', '2'],
])('--loss %s (%s steps per run) on WebGPU equals the CPU to float rounding', async (loss, perRun) => {
  const env = await gpuEnv();
  if (!env) return;
  const r = cliWith(env, 'compare-ep', '--ep', 'webgpu', '--steps', '4', '--batch-size', '8', '--steps-per-run', perRun, '--loss', loss);
  expect(r.code).toBe(0);
  expect(largestParameterDifference(r.out)).toBeLessThan(1e-6); // measured 7.5e-9 (l1, bce)
});

test('AdamW in the K-step Loop graph on WebGPU agrees with the CPU', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const r = cliWith(env, 'compare-ep', '--ep', 'webgpu', '--steps', '4', '--batch-size', '8', '--steps-per-run', '2', '--optimizer', 'adamw', '--lr', '0.001');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/webgpu, 2 steps per run against the CPU/);
  // Adam's first steps move each weight by about lr * sign(gradient), so a gradient near zero
  // that differs in rounding moves its weight differently: measured 3.6e-5 (1.0e-4 of the largest weight)
  expect(r.out).toMatch(/webgpu agrees with the CPU within 0\.001/);
});

test('the ReLU CNN (batch norm, average pooling, dropout masks fed by the host) on WebGPU agrees with the CPU', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const r = cliWith(env, 'compare-ep', '--model', 'cnn', '--ep', 'webgpu', '--steps', '3', '--batch-size', '8', '--steps-per-run', '1');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/webgpu agrees with the CPU within 0\.001/);
  // measured 1.0e-4 (of weights up to 1.0) after 3 steps; with grouped-Conv patches it was 1.7e-2
  expect(largestParameterDifference(r.out)).toBeLessThan(1e-3);
});

test('an imported ResNet-style model (BatchNormalization, residual Add, GlobalAveragePool): check-ep and compare-ep --model-file on WebGPU', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const file = join(mkdtempSync(join(tmpdir(), 'webgpu-import-')), 'residual.onnx');
  writeFileSync(file, residualModel());
  const placed = cliWith(env, 'check-ep', '--ep', 'webgpu', '--model-file', file);
  expect(placed.code).toBe(0);
  expect(placed.out).toMatch(/ok {3}residual training step: \d+ nodes on WebGpuExecutionProvider/);
  expect(placed.out).toMatch(/every compute node runs on WebGpuExecutionProvider/);
  const r = cliWith(env, 'compare-ep', '--ep', 'webgpu', '--model-file', file, '--steps', '3', '--batch-size', '8');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/webgpu agrees with the CPU/);
  expect(largestParameterDifference(r.out)).toBeLessThan(1e-6);
});

test('check-ep --ep webgpu: ONNX Runtime places every compute node of every graph on WebGPU', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const r = cliWith(env, 'check-ep', '--ep', 'webgpu');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/ok {3}lenet training step: \d+ nodes on WebGpuExecutionProvider\n/);
  // the Loop itself and its trip count are host work in ORT's WebGPU build (it has no Loop kernel); its body is not
  expect(r.out).toMatch(/ok {3}lenet training loop \(--steps-per-run\): \d+ nodes on WebGpuExecutionProvider; on the host by design \(Loop control\): Gather \(steps_node\), Loop \(loop_node\)\n/);
  expect(r.out).toMatch(/every compute node runs on WebGpuExecutionProvider: each has a kernel, and ONNX Runtime placed it there/);
});

const epochLine = (out: string) => /training acc at epoch 1\/1: (accuracy=\S+ loss=\S+)/.exec(out)?.[1];

test('train --ep webgpu (1 epoch of 2,000 images) and evaluate --ep webgpu print the CPU\'s numbers', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const dir = mkdtempSync(join(tmpdir(), 'lenet-webgpu-'));
  const run = (ep: string) => cliWith(env, 'train', '--ep', ep, '--epochs', '1', '--limit', '2000', '--no-progress', '--artifacts', join(dir, ep));
  const [gpu, cpu] = [run('webgpu'), run('cpu')];
  expect(gpu.code).toBe(0);
  expect(cpu.code).toBe(0);
  expect(epochLine(gpu.out)).toBeDefined();
  expect(epochLine(gpu.out)).toBe(epochLine(cpu.out)); // measured: accuracy=0.2825 loss=2.2398 on both
  const score = (ep: string) => cliWith(env, 'evaluate', '--ep', ep, '--artifacts', join(dir, 'cpu'), '--limit', '300', '--min-accuracy', '0');
  const [gpuScore, cpuScore] = [score('webgpu'), score('cpu')];
  expect(gpuScore.code).toBe(0);
  const scores = (out: string) => out.replace(/, [\d,]+ images\/s/, ''); // the accuracy, per-class table and confusion matrix
  expect(scores(gpuScore.out)).toMatch(/validation acc: accuracy=0\.\d+ \(\d+\/300\)/);
  expect(scores(gpuScore.out)).toBe(scores(cpuScore.out));
}, 600_000); // 20 SGD steps at batch 100 on the software GPU: about 160 s alone, more on a busy machine

test('the committed WebGPU kernel table is what the installed ONNX Runtime does (a fresh probe equals it)', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const out = join(mkdtempSync(join(tmpdir(), 'lenet-probe-')), 'table.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/probe-webgpu-kernels.ts', '--out', out], { cwd: ROOT, env, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/not: Gather\(int64,int64\), LogSoftmax\(float32\), Size\(float32\), ConstantOfShape\(int64\)/);
  const providers = (file: string) => JSON.parse(readFileSync(file, 'utf8')).providers;
  expect(providers(out)).toEqual(providers(join(ROOT, 'kernel-tables/ort-webgpu-kernels.json')));
});
