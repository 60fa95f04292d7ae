// --steps-per-run: K SGD steps in one ONNX Loop run give the same parameters, losses and counts
// as K runs of the step graph, bit for bit (same kernels, same order); the trainer's save points,
// step checks and divergence handling see the same states either way.
import { lenet } from '../../model/lenet.onnx-builder';
import { Dataset, fillBatch, makeDataset } from '../../src/data/dataset';
import { inOrder } from '../../src/data/shuffle';
import { loadSplit } from '../../src/data/dataset-files';
import { encodeModel } from '../../src/onnx/encode';
import { HostTensor } from '../../src/runtime/host-tensor';
import type { Recipe, TrainingState } from '../../src/training/run/checkpoint';
import { initParams } from '../../src/training/graphs/init';
import { ParamValues } from '../../src/graph/model-definition';
import { loopEngine } from '../../src/training/engines/loop-engine';
import { buildTrainingLoop, LOOP_OUTPUTS } from '../../src/training/graphs/loop-graph';
import { nativeEngine } from '../../src/training/engines/native-engine';
import { StepEngine } from '../../src/training/engines/step-engine';
import { buildTrainingStep, STEP_OUTPUTS, updatedName } from '../../src/training/graphs/step-graph';
import { initialState, runEpochs as train, TrainHooks } from '../../src/training/run/trainer';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { openSession } from '../helpers/run-model';

const session = { threads: 1 };
const stepModel = encodeModel(buildTrainingStep(lenet));
const loopModel = encodeModel(buildTrainingLoop(lenet));

function firstImages(n: number): Dataset {
  const full = loadSplit(MNIST_DIR, 'train');
  return makeDataset('small', { ...full.images, count: n, pixels: full.images.pixels.subarray(0, n * 784) }, full.labels.subarray(0, n));
}

function expectSameParams(a: ParamValues, b: ParamValues) {
  for (const p of lenet.params) expect(b.get(p.name)).toEqual(a.get(p.name));
}

/** An engine that records how many steps each run() took. */
function recording(engine: StepEngine, runs: number[]): StepEngine {
  return { ...engine, run: (x, y, steps, count, lrs, firstStep) => (runs.push(steps), engine.run(x, y, steps, count, lrs, firstStep)) };
}

async function trainWith(stepsPerRun: number, recipe: Recipe, params: ParamValues, data: Dataset, hooks: TrainHooks = {}) {
  const engine =
    stepsPerRun === 1
      ? await nativeEngine(lenet, stepModel, params, PLAIN_SGD, session)
      : await loopEngine(lenet, loopModel, params, PLAIN_SGD, session, stepsPerRun);
  const runs: number[] = [];
  try {
    return { outcome: await train(recording(engine, runs), initialState(recipe, params), data, hooks), runs };
  } finally {
    await engine.release();
  }
}

test('one Loop run of 3 steps equals 3 runs of the step graph, bit for bit, each step at its own rate', async () => {
  const K = 3;
  const B = 50;
  const data = firstImages(K * B);
  const x = new Float32Array(K * B * 784);
  const y = new BigInt64Array(K * B);
  fillBatch(data, inOrder(K * B), 0, K * B, x, y);
  const params = initParams(lenet, 11);
  const lrs = Float32Array.of(0.1, 0.05, 0.08);
  const feeds: Record<string, HostTensor> = {};
  for (const p of lenet.params) feeds[p.name] = { dtype: 'float32', dims: p.dims, data: params.get(p.name)! };

  const loop = await openSession(loopModel);
  const looped = await loop.run({
    ...feeds,
    xs: { dtype: 'float32', dims: [K, B, 1, 28, 28], data: x },
    ys: { dtype: 'int64', dims: [K, B], data: y },
    lrs: { dtype: 'float32', dims: [K], data: lrs },
  });
  await loop.release();

  const step = await openSession(stepModel);
  const losses: number[] = [];
  const corrects: number[] = [];
  for (let k = 0; k < K; k++) {
    const out = await step.run({
      ...feeds,
      x: { dtype: 'float32', dims: [B, 1, 28, 28], data: x.subarray(k * B * 784, (k + 1) * B * 784) },
      y: { dtype: 'int64', dims: [B], data: y.subarray(k * B, (k + 1) * B) },
      lr: { dtype: 'float32', dims: [], data: lrs.subarray(k, k + 1) },
    });
    losses.push((out[STEP_OUTPUTS.loss].data as Float32Array)[0]);
    corrects.push((out[STEP_OUTPUTS.correct].data as Float32Array)[0]);
    for (const p of lenet.params) feeds[p.name] = out[updatedName(p.name)];
  }
  await step.release();

  expect(Array.from(looped[LOOP_OUTPUTS.losses].data as Float32Array)).toEqual(losses);
  expect(Array.from(looped[LOOP_OUTPUTS.corrects].data as Float32Array)).toEqual(corrects);
  expect(losses[2]).toBeLessThan(losses[0]); // it did learn
  for (const p of lenet.params) expect(looped[updatedName(p.name)].data).toEqual(feeds[p.name].data);
});

test('training with 4 steps per run matches one step per run: parameters, history, save points and step checks', async () => {
  const data = firstImages(250); // batches of 32: 7 full ones and a short one of 26
  const recipe = { model: 'lenet', epochs: 2, batchSize: 32, learningRate: 0.05, seed: 8 };
  const params = initParams(lenet, 9);
  const observe = () => {
    const seen: string[] = [];
    const hooks: TrainHooks = {
      checkpointEvery: { unit: 'steps', count: 6 },
      onCheckpoint: (s: TrainingState) => seen.push(`save ${s.epoch}:${s.step} ${s.lossSum} ${s.correct}`),
      stepCheck: { every: 5, check: async (p, done) => (seen.push(`check ${done} ${p.get('conv1.weight')![0]}`), false) },
    };
    return { seen, hooks };
  };
  const a = observe();
  const b = observe();
  const single = await trainWith(1, recipe, params, data, a.hooks);
  const looped = await trainWith(4, recipe, params, data, b.hooks);

  expectSameParams(single.outcome.state.params, looped.outcome.state.params);
  const history = (o: typeof single) => o.outcome.state.history.map((h) => [h.loss, h.accuracy, h.samples]);
  expect(history(looped)).toEqual(history(single));
  expect(b.seen).toEqual(a.seen);
  expect(a.seen.length).toBeGreaterThan(4);
  // Runs stop at save points and step checks, and the short batch runs alone.
  expect(single.runs.every((k) => k === 1)).toBe(true);
  // Stops after steps 5, 6, 10, 12, 15 (counted over the run); 7 full batches and a short one per epoch.
  expect(looped.runs).toEqual([4, 1, 1, 1, 1, 2, 2, 3, 1]);
  expect(looped.runs.reduce((s, k) => s + k, 0)).toBe(16);
});

test('a step that diverges inside a run: the steps before it are kept, as with one step per run', async () => {
  const data = firstImages(320);
  const recipe = { model: 'lenet', epochs: 1, batchSize: 32, learningRate: 1e6, seed: 3 };
  const params = initParams(lenet, 4);
  const single = await trainWith(1, recipe, params, data);
  const looped = await trainWith(8, recipe, params, data);
  expect(single.outcome.status).toBe('diverged');
  const at = single.outcome.divergence!.step;
  expect(at).toBeGreaterThan(1); // mid-run: the loop ran past the bad step and must redo the ones before it
  expect(at).toBeLessThanOrEqual(8);
  expect(looped.outcome.status).toBe('diverged');
  expect(looped.outcome.divergence).toEqual(single.outcome.divergence);
  expect([looped.outcome.state.step, looped.outcome.state.lossSum, looped.outcome.state.correct]).toEqual([
    single.outcome.state.step,
    single.outcome.state.lossSum,
    single.outcome.state.correct,
  ]);
  expectSameParams(single.outcome.state.params, looped.outcome.state.params);
  for (const values of looped.outcome.state.params.values()) expect(values.every(Number.isFinite)).toBe(true);
});
