// Checkpoints written before the redesign (commit e44ee19, the main of 2026-12-03) still resume:
// test/fixtures/*.ckpt were saved there by train()'s save points after 8 steps of a tiny model (16
// inputs, 3 classes) on the pattern data below, with AdamW + one-cycle and with SGD Nesterov +
// cosine. Read today, their recipe is the one today's options make, and the resumed run ends bit
// for bit where today's uninterrupted run does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasets, defineModel, train } from '../../src/index';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { decodeCheckpoint } from '../../src/training/run/checkpoint';
import type { TrainOptions } from '../../src/library/train';

const model = defineModel({
  name: 'tiny',
  sampleDims: [1, 4, 4],
  classes: 3,
  params: [
    { name: 'dense.weight', dims: [3, 16], init: 'xavier' },
    { name: 'dense.bias', dims: [3], init: 'zeros' },
  ],
  forward: (b: GraphBuilder, x, p) => b.gemm(b.flatten(x, 1), p['dense.weight'], p['dense.bias'], { transB: true }),
});
const n = 60;
const data = datasets.fromArrays({
  name: 'pattern',
  pixels: new Uint8Array(n * 16).map((_, i) => (i * 37 + Math.floor(i / 16) * 11) % 256),
  rows: 4,
  cols: 4,
  labels: new Uint8Array(n).map((_, i) => i % 3),
});

const runs: [string, TrainOptions][] = [
  ['tiny-adamw-onecycle.ckpt', { optimizer: { name: 'adamw', weightDecay: 0.05 }, schedule: 'onecycle' }],
  ['tiny-sgd-nesterov-cosine.ckpt', { optimizer: { name: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, schedule: { name: 'cosine', warmupSteps: 2 } }],
];

test.each(runs)('%s resumes and ends where the uninterrupted run does', async (file, options) => {
  const saved = decodeCheckpoint(readFileSync(join(__dirname, '../fixtures', file)), file);
  const straight = await train(model, data, { ...options, epochs: 2, batchSize: 10, seed: 3, learningRate: 0.01 });
  expect(saved.recipe).toEqual(straight.recipe);
  expect([saved.epoch, saved.step]).toEqual([1, 2]);
  const resumed = await train(model, data, { start: saved });
  expect(resumed.status).toBe('completed');
  expect(resumed.params).toEqual(straight.params);
  expect(resumed.history[1].loss).toBe(straight.history[1].loss);
});
