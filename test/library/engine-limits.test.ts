// What an engine cannot do is refused by train() before any engine opens, in one sentence naming
// the library's options (the CLI says the same with its flags: test/cli).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets, models, ortTrainingEngine, train } from '../../src/index';

const data = datasets.fromArrays({ name: 'blank', pixels: new Uint8Array(200 * 784), rows: 28, cols: 28, labels: new Uint8Array(200) });
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'engine-limits-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('ONNX Runtime training API: a constant rate, SGD without momentum or AdamW, no batch-norm state', async () => {
  const ort = ortTrainingEngine(dir);
  await expect(train(models.lenet, data, { engine: ort, schedule: 'onecycle' })).rejects.toThrow(
    'ortTrainingEngine runs at a constant rate (the web API cannot set one, so it is baked into the optimizer model); drop schedule',
  );
  await expect(train(models.lenet, data, { engine: ort, optimizer: { name: 'sgd', momentum: 0.9 } })).rejects.toThrow(
    "ortTrainingEngine: ORT's training API's SGD (SGDOptimizerV2) has no momentum or weight decay",
  );
  await expect(train(models.lenet, data, { engine: ort, optimizer: 'adamw', checkpointEvery: { unit: 'steps', count: 1 } })).rejects.toThrow(
    'ortTrainingEngine with AdamW cannot be checkpointed or resumed',
  );
  await expect(train(models.cnn, data, { engine: ort })).rejects.toThrow("ortTrainingEngine cannot carry cnn's batch-norm running statistics (6 state tensors)");
});

test('data parallel replicas: one step per run, no batch-norm state', async () => {
  const replicas = [{ threads: 1 }, { threads: 1 }];
  await expect(train(models.mlp, data, { replicas, stepsPerRun: 4 })).rejects.toThrow(
    'stepsPerRun cannot be combined with data parallel training (replicas), which combines gradients on the host every step',
  );
  await expect(train(models.cnn, data, { replicas })).rejects.toThrow("data parallel training (replicas) cannot carry cnn's batch-norm running statistics");
});

test('micro-batches: one step per run, not for batch norm or dropout, positive sizes', async () => {
  await expect(train(models.mlp, data, { microBatch: 10, stepsPerRun: 4 })).rejects.toThrow(
    'stepsPerRun cannot be combined with microBatch, whose gradients are summed on the host every step',
  );
  await expect(train(models.cnn, data, { microBatch: 10 })).rejects.toThrow("microBatch cannot split cnn's batches: its batch norm normalizes with the statistics of the whole batch (6 state tensors)");
  await expect(train(models.lenet, data, { microBatch: 10, engine: ortTrainingEngine(dir) })).rejects.toThrow('microBatch runs on the native engine only');
  await expect(train(models.lenet, data, { microBatch: 0 })).rejects.toThrow('microBatch must be a positive whole number, got 0');
  await expect(train(models.lenet, data, { microBatch: 2.5 })).rejects.toThrow('microBatch must be a positive whole number, got 2.5');
});
