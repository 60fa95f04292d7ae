// Checkpoints round-trip exactly, detect corruption, keep the previous good one, and a run
// resumed from any save point ends with the same parameters as a straight run, bit for bit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lenet } from '../../model/lenet.onnx-builder';
import { makeDataset } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { encodeModel } from '../../src/onnx/encode';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, previousCheckpoint, readCheckpoint, TrainingState, writeCheckpoint } from '../../src/training/run/checkpoint';
import { initParams } from '../../src/training/graphs/init';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { initialState } from '../../src/training/run/trainer';
import { runEpochsOnStepGraph as train } from '../../src/training/run/trainer';
import { MNIST_DIR } from '../helpers/mnist-dir';

const recipe = { model: 'lenet', epochs: 2, batchSize: 32, learningRate: 0.05, seed: 3, limit: 320 };
const sample = (): TrainingState => ({
  ...initialState(recipe, initParams(lenet, 4)),
  epoch: 1,
  step: 3,
  lossSum: 12.345678901234567,
  correct: 77,
  history: [{ epoch: 1, epochs: 2, loss: 0.5, accuracy: 0.75, samples: 320, seconds: 1.5, samplesPerSecond: 213.3 }],
});

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-ck-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('encode -> decode gives back the same state exactly', () => {
  const s = sample();
  expect(decodeCheckpoint(encodeCheckpoint(s), 'x')).toEqual(s);
});

test('a flipped byte or a truncated file is detected by the checksum; the previous checkpoint is named', () => {
  const path = join(dir, 'run.ckpt');
  writeCheckpoint(path, sample());
  writeCheckpoint(path, { ...sample(), step: 4 });
  expect(readCheckpoint(previousCheckpoint(path)).step).toBe(3); // the replaced one is kept
  const bytes = readFileSync(path);
  bytes[bytes.length >> 1] ^= 1;
  writeFileSync(path, bytes);
  expect(() => readCheckpoint(path)).toThrow(CheckpointError);
  expect(() => readCheckpoint(path)).toThrow(/checksum mismatch.*previous checkpoint .*run\.ckpt\.prev may still be good/);
  writeFileSync(path, bytes.subarray(0, 100));
  expect(() => readCheckpoint(path)).toThrow(/checksum mismatch/);
});

test('the checkpoint path is never missing while it is replaced; a lone .prev is named when it is', () => {
  const path = join(dir, 'run.ckpt');
  writeCheckpoint(path, sample());
  // Replacing: the old file gets its second name (.prev) first, then the new one is renamed over it.
  writeCheckpoint(path, { ...sample(), step: 4 });
  expect(statSync(previousCheckpoint(path)).nlink + statSync(path).nlink).toBe(2); // two files now, not links
  expect(readCheckpoint(path).step).toBe(4);
  // What a kill between two renames used to leave: only .prev.
  rmSync(path);
  expect(() => readCheckpoint(path)).toThrow(`${path}: no such checkpoint; the previous one is there: --resume ${path}.prev`);
});

test('temporary files: none left by a write; those of dead processes swept; live ones kept', () => {
  const path = join(dir, 'run.ckpt');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = join(dir, `.run.ckpt.${dead}.1700000000000.tmp`);
  const live = join(dir, `.run.ckpt.${process.ppid}.1700000000000.tmp`); // a process that is running
  writeFileSync(stale, 'half a checkpoint');
  writeFileSync(live, 'being written');
  writeCheckpoint(path, sample());
  expect(readdirSync(dir).sort()).toEqual([`.run.ckpt.${process.ppid}.1700000000000.tmp`, 'run.ckpt']);
  // A failed rename (the target is a folder) takes its temporary file with it.
  rmSync(live);
  mkdirSync(join(dir, 'blocked.ckpt'));
  writeFileSync(join(dir, 'blocked.ckpt', 'x'), 'x');
  expect(() => writeCheckpoint(join(dir, 'blocked.ckpt'), sample())).toThrow();
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('not a checkpoint, missing, or a directory: clear errors', () => {
  writeFileSync(join(dir, 'a.onnx'), 'hello there, I am an ONNX model, or am I');
  expect(() => readCheckpoint(join(dir, 'a.onnx'))).toThrow(/not a training checkpoint/);
  expect(() => readCheckpoint(join(dir, 'none.ckpt'))).toThrow(/no such checkpoint/);
  mkdirSync(join(dir, 'd.ckpt'));
  expect(() => readCheckpoint(join(dir, 'd.ckpt'))).toThrow(/is a directory/);
});

test('resuming from every save point reproduces the straight run bit for bit', async () => {
  const full = loadSplit(MNIST_DIR, 'train');
  const data = makeDataset('small', { ...full.images, count: 320, pixels: full.images.pixels.subarray(0, 320 * 784) }, full.labels.subarray(0, 320));
  const step = encodeModel(buildTrainingStep(lenet));
  const session = { threads: 1 };
  const saves: TrainingState[] = [];
  const straight = await train(lenet, step, initialState(recipe, initParams(lenet, 4)), data, session, {
    checkpointEvery: { unit: 'steps', count: 4 },
    onCheckpoint: (s) => saves.push(decodeCheckpoint(encodeCheckpoint(s), 'mem')),
  });
  expect(straight.status).toBe('completed');
  expect(saves.map((s) => [s.epoch, s.step])).toEqual([[0, 4], [0, 8], [1, 2], [1, 6]]);
  for (const saved of saves) {
    const resumed = await train(lenet, step, saved, data, session);
    for (const [name, values] of straight.state.params) expect(resumed.state.params.get(name)).toEqual(values);
    expect(resumed.state.history.map((h) => [h.loss, h.accuracy])).toEqual(straight.state.history.map((h) => [h.loss, h.accuracy]));
  }
});

test('a stop request ends the run between steps with a resumable state', async () => {
  const full = loadSplit(MNIST_DIR, 'test');
  const data = makeDataset('small', { ...full.images, count: 320, pixels: full.images.pixels.subarray(0, 320 * 784) }, full.labels.subarray(0, 320));
  let steps = 0;
  const out = await train(lenet, encodeModel(buildTrainingStep(lenet)), initialState(recipe, initParams(lenet, 4)), data, { threads: 1 }, {
    onBatch: () => steps++,
    shouldStop: () => steps >= 3,
  });
  expect(out.status).toBe('interrupted');
  expect([out.state.epoch, out.state.step]).toEqual([0, 3]);
});

test.each([
  [1e38, 'non-finite'],
  [1e6, 'exploded'],
])('lr %s: the loss goes %s, training stops and keeps the last good parameters', async (lr, kind) => {
  const full = loadSplit(MNIST_DIR, 'test');
  const data = makeDataset('small', { ...full.images, count: 320, pixels: full.images.pixels.subarray(0, 320 * 784) }, full.labels.subarray(0, 320));
  const out = await train(lenet, encodeModel(buildTrainingStep(lenet)), initialState({ ...recipe, learningRate: lr }, initParams(lenet, 4)), data, { threads: 1 });
  expect(out.status).toBe('diverged');
  expect(out.divergence!.step).toBeGreaterThan(1);
  if (kind === 'non-finite') expect(Number.isFinite(out.divergence!.loss)).toBe(false);
  else expect(out.divergence!.loss).toBeGreaterThan(1000);
  for (const values of out.state.params.values()) expect(values.every(Number.isFinite)).toBe(true);
});
