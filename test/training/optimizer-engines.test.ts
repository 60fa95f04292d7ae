// Every engine carries the optimizer state the same way: K steps per run in the Loop graph give
// bit for bit what one step per run gives, and data parallel replicas (host-combined gradients,
// one update graph) give the same to float tolerance, for momentum and AdamW under a schedule.
import { lenet } from '../../model/lenet.onnx-builder';
import { Dataset, makeDataset } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { encodeModel } from '../../src/onnx/encode';
import { dataParallelEngine } from '../../src/training/engines/data-parallel-engine';
import { initParams } from '../../src/training/graphs/init';
import { ParamValues } from '../../src/graph/model-definition';
import { loopEngine } from '../../src/training/engines/loop-engine';
import { buildTrainingLoop } from '../../src/training/graphs/loop-graph';
import { nativeEngine } from '../../src/training/engines/native-engine';
import { carriedTensors, initialOptimizerState, OptimizerConfig, PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { Recipe } from '../../src/training/recipe';
import { CONSTANT_LR } from '../../src/training/run/schedules';
import { StepEngine } from '../../src/training/engines/step-engine';
import { buildGradientGraph, buildTrainingStep, buildUpdateGraph } from '../../src/training/graphs/step-graph';
import { initialState, runEpochs as train } from '../../src/training/run/trainer';
import { MNIST_DIR } from '../helpers/mnist-dir';

const session = { threads: 1 };
let data: Dataset;
beforeAll(() => {
  const full = loadSplit(MNIST_DIR, 'train');
  data = makeDataset('small', { ...full.images, count: 250, pixels: full.images.pixels.subarray(0, 250 * 784) }, full.labels.subarray(0, 250));
});

const CASES: [string, OptimizerConfig, number][] = [
  ['SGD, Nesterov momentum and weight decay', { ...PLAIN_SGD, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, 0.05],
  ['AdamW', { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.01 }, 0.003],
];

async function run(engine: StepEngine, recipe: Recipe, start: ParamValues, on = data) {
  try {
    return (await train(engine, initialState(recipe, start), on)).state;
  } finally {
    await engine.release();
  }
}

describe.each(CASES)('%s, one-cycle schedule', (_name, optimizer, lr) => {
  // batches of 32: 7 full ones and a short one of 26 per epoch
  const recipe: Recipe = { model: 'lenet', epochs: 2, batchSize: 32, learningRate: lr, seed: 4, optimizer, schedule: { ...CONSTANT_LR, name: 'onecycle' } };
  const start = () => new Map([...initParams(lenet, 12), ...initialOptimizerState(lenet, optimizer)]);
  const carried = carriedTensors(lenet, optimizer);

  test('4 steps per run (Loop graph) = 1 step per run, parameters and state bit for bit', async () => {
    const single = await run(await nativeEngine(lenet, encodeModel(buildTrainingStep(lenet, optimizer)), start(), optimizer, session), recipe, start());
    const looped = await run(await loopEngine(lenet, encodeModel(buildTrainingLoop(lenet, optimizer)), start(), optimizer, session, 4), recipe, start());
    expect(carried.some((t) => t.kind === 'state')).toBe(true);
    for (const t of carried) expect(looped.params.get(t.name)).toEqual(single.params.get(t.name));
    expect(looped.history.map((h) => h.loss)).toEqual(single.history.map((h) => h.loss));
  });

  // One epoch of 122 images (4 steps, the last one short): over more steps an ulp-level difference
  // in the gradient sums (summed in another order on two replicas) can flip a near-tie in a max-pool
  // window, and momentum carries that on (seen at 224 images with either training layout).
  test('2 data parallel replicas = the fused step over an epoch, to float tolerance', async () => {
    const oneEpoch = { ...recipe, epochs: 1 };
    const data122 = makeDataset('small', { ...data.images, count: 122, pixels: data.images.pixels.subarray(0, 122 * 784) }, data.labels.subarray(0, 122));
    const single = await run(await nativeEngine(lenet, encodeModel(buildTrainingStep(lenet, optimizer)), start(), optimizer, session), oneEpoch, start(), data122);
    const models = { gradients: encodeModel(buildGradientGraph(lenet)), update: encodeModel(buildUpdateGraph(lenet, optimizer)) };
    const parallel = await run(await dataParallelEngine(lenet, models, start(), optimizer, [session, session]), oneEpoch, start(), data122);
    let worst = 0;
    for (const t of carried) {
      const a = single.params.get(t.name)!;
      const b = parallel.params.get(t.name)!;
      const scale = a.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-12);
      a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]) / scale)));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});
