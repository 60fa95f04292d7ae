// Training on WebGPU, checked on a real (software) GPU: `compare-ep --ep webgpu` runs the same
// optimizer steps on ONNX Runtime's WebGPU provider and on the CPU from the same start and batches.
// The batch-last training graphs have no grouped convolution, whose WebGPU kernel computes wrong
// results for some channel counts; with them the two providers agree to float rounding.
// CI sets REQUIRE_WEBGPU, so that there a missing software GPU fails instead of skipping.
import { cliWith } from '../helpers/cli';
import { softwareGpu } from '../helpers/software-gpu';

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

test('AdamW in the K-step Loop graph on WebGPU agrees with the CPU', async () => {
  const env = await gpuEnv();
  if (!env) return;
  const r = cliWith(env, 'compare-ep', '--ep', 'webgpu', '--steps', '4', '--batch-size', '8', '--steps-per-run', '2', '--optimizer', 'adamw', '--lr', '0.001');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/webgpu, 2 steps per run against the CPU/);
  expect(r.out).toMatch(/webgpu agrees with the CPU within 0\.001/);
});
