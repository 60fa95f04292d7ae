// The ReLU CNN (batch norm, average pooling, dropout) through the command line: it trains with the
// running statistics carried, its exported model holds them and scores what training's validation
// scored, and the engines that cannot carry them refuse it in one line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel } from '../../src/onnx/decode';
import { readFileSync } from 'node:fs';
import { cli } from '../helpers/cli';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-cnn-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('train --model cnn (2,000 images, AdamW) learns, exports batch norm with running statistics, and evaluate agrees with its validation', () => {
  const t = cli('train', '--model', 'cnn', '--artifacts', dir, '--limit', '2000', '--epochs', '2', '--optimizer', 'adamw', '--lr', '0.003', '--no-progress', '--val-every', '2');
  expect(t.code).toBe(0);
  const epoch2 = /training acc at epoch 2\/2: accuracy=(\S+) loss=\S+ val accuracy=(\S+)/.exec(t.out)!;
  expect(Number(epoch2[1])).toBeGreaterThan(0.5);
  const model = decodeModel(readFileSync(join(dir, 'cnn.onnx')));
  const ops = model.graph.nodes.map((n) => n.opType);
  expect(ops.filter((op) => op === 'BatchNormalization')).toHaveLength(3);
  expect(ops).not.toContain('Dropout');
  const runningMean = model.graph.initializers.find((t) => t.name === 'conv2.bn.running_mean')!.data as Float32Array;
  expect(Array.from(runningMean).some((m) => m !== 0)).toBe(true);
  const e = cli('evaluate', '--model', 'cnn', '--artifacts', dir, '--min-accuracy', '0');
  expect(e.code).toBe(0);
  expect(/accuracy=(\d\.\d+)/.exec(e.out)![1]).toBe(epoch2[2]);
});

test.each([
  [['--engine', 'ort-training'], '--engine ort-training'],
  [['--replicas', '2'], 'data parallel training (--replicas/--devices)'],
])('train --model cnn %j is refused in one line', (flags, what) => {
  const r = cli('train', '--model', 'cnn', '--artifacts', dir, '--limit', '200', ...flags);
  expect(r.code).toBe(2);
  expect(r.err.trim()).toBe(`error: ${what} cannot carry cnn's batch-norm running statistics (6 state tensors): use the native engine on one device`);
});
