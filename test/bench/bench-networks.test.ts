// The benchmark networks written with the DSL (bench/networks) are the networks of their PyTorch
// peers: the peer's exported file, imported with batch norm on batch statistics, and the DSL
// network started from the same values take the same SGD step (every parameter and running
// statistic), so that `npm run bench:import -- --source dsl` compares like with like.
// Needs a Python with torch and onnx: skipped without one, except in CI (REQUIRE_TORCH).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_NETWORKS } from '../../bench/networks';
import { ModelDefinition, ParamValues, stateOf } from '../../src/graph/model-definition';
import { importModel } from '../../src/import/import-model';
import { encodeModel } from '../../src/onnx/encode';
import { nativeEngine } from '../../src/training/engines/native-engine';
import { initParams } from '../../src/training/graphs/init';
import { PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { pythonWith } from '../helpers/python';
import { randomFloats } from '../helpers/run-model';

const python = pythonWith(['torch', 'onnx']);
if (!python && process.env.REQUIRE_TORCH) throw new Error('REQUIRE_TORCH is set but no Python with torch and onnx was found (set ONNX_PYTHON)');
if (!python) console.warn('skipping the benchmark networks\' comparison with PyTorch\'s: no Python with torch and onnx (set ONNX_PYTHON)');

const dir = mkdtempSync(join(tmpdir(), 'bench-networks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One SGD step (rate 0.1) of def from `values` on a fixed batch of 8: the loss and the values after it. */
async function oneStep(def: ModelDefinition, values: ParamValues): Promise<{ loss: number; after: ParamValues }> {
  const batch = 8;
  const engine = await nativeEngine(def, encodeModel(buildTrainingStep(def)), values, PLAIN_SGD, { threads: 1 });
  const result = await engine.run(randomFloats(batch * 784, 7, 0, 1), BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % 10)), 1, batch, Float32Array.of(0.1), 0);
  await result.commit(1);
  const after = await engine.params();
  await engine.release();
  return { loss: result.losses[0], after };
}

/** max |a - b| over the largest |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let [diff, scale] = [0, 0];
  for (let i = 0; i < b.length; i++) [diff, scale] = [Math.max(diff, Math.abs(a[i] - b[i])), Math.max(scale, Math.abs(b[i]))];
  return diff / scale;
}

(python ? describe : describe.skip)('the DSL benchmark networks are their PyTorch peers\' networks', () => {
  test.each([['mobilenet', 'mobilenet-style'], ['resnet', 'resnet-style']])('%s', async (peer, name) => {
    const file = join(dir, `${peer}.onnx`);
    const r = spawnSync(python!, [join(__dirname, `../../bench/peers/pytorch_${peer}_step.py`), 'export', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the ${peer} peer's export failed: ${r.stderr.slice(-2000)}`);
    const imported = importModel(file, { batchNorm: 'train' });
    const dsl = BENCH_NETWORKS[name];
    // The same tensors in the same order (PyTorch's registration order is the DSL's declaration order).
    const pairs = [[imported.params, dsl.params], [stateOf(imported), stateOf(dsl)]].flatMap(([a, b]) => {
      expect(a.map((t) => t.dims)).toEqual(b.map((t) => t.dims));
      return a.map((t, i) => [t.name, b[i].name] as const);
    });
    const start = initParams(imported, 0);
    const theirs = await oneStep(imported, start);
    const ours = await oneStep(dsl, new Map(pairs.map(([from, to]) => [to, start.get(from)!])));
    expect(Math.abs(ours.loss - theirs.loss)).toBeLessThan(1e-5 * Math.abs(theirs.loss));
    const errors = pairs.map(([from, to]) => [to, relativeError(ours.after.get(to)!, theirs.after.get(from)!)] as const);
    expect(errors.filter(([, e]) => !(e < 1e-4))).toEqual([]);
    expect(relativeError(ours.after.get(pairs[0][1])!, start.get(pairs[0][0])!)).toBeGreaterThan(1e-4); // the step moved the weights
  }, 120_000);
});
