// Transfer learning's cut on a small hand-made ResNet-style file: the classifier replaced by a
// fresh head for other classes, only the head training, the exported file the original up to the
// cut (byte for byte) plus the head, with the class names and pixel normalization in its metadata.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets, evaluate, exportModel, importModel, train } from '../../src/index';
import { decodeModel } from '../../src/onnx/decode';
import { int, model, node, residualModel, weights } from '../helpers/hand-made-onnx';
import { f32, randomFloats, runOnce } from '../helpers/run-model';
import { ModelProto } from '../../src/onnx/onnx-schema';

const CLASSES = ['cat', 'dog', 'fox'];
const pixels = (n: number, seed: number) => Uint8Array.from(randomFloats(n * 784, seed, 0, 255), Math.floor);
const tiny = (n: number) => datasets.fromArrays({ name: 'tiny', pixels: pixels(n, 5), rows: 28, cols: 28, labels: Uint8Array.from({ length: n }, (_, i) => i % 3), classNames: CLASSES });

const dir = mkdtempSync(join(tmpdir(), 'new-head-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
/** The bytes as a file, for evaluate({ file }). */
function written(bytes: Uint8Array): string {
  const path = join(dir, `model${files++}.onnx`);
  writeFileSync(path, bytes);
  return path;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages */
const proto = (bytes: Uint8Array): any => ModelProto.decode(bytes);
const initializerBytes = (bytes: Uint8Array) => new Map(proto(bytes).graph.initializer.map((t: any) => [t.name, Buffer.from(t.rawData ?? []).toString('hex')]));

test('the last Gemm is replaced by a seeded dense layer for the new classes; only it trains', async () => {
  const def = importModel(residualModel(), { newHead: { classes: CLASSES } });
  expect(def.classes).toBe(3);
  expect(def.params.map((p) => [p.name, p.dims])).toEqual([['new_head.weight', [3, 4]], ['new_head.bias', [3]]]);
  expect(def.imported!.frozen.tensors).toBe(15); // three convolutions, three BatchNorms' four tensors
  const again = importModel(residualModel(), { newHead: { classes: CLASSES } });
  expect(again.imported!.values.get('new_head.weight')).toEqual(def.imported!.values.get('new_head.weight'));
  const reseeded = importModel(residualModel(), { newHead: { classes: CLASSES, seed: 7 } });
  expect(reseeded.imported!.values.get('new_head.weight')).not.toEqual(def.imported!.values.get('new_head.weight'));
  expect(Array.from(def.imported!.values.get('new_head.bias')!)).toEqual([0, 0, 0]);

  const trained = await train(def, tiny(12), { epochs: 2, batchSize: 6, learningRate: 0.1 });
  const moved = (name: string) => trained.params.get(name)!.some((x, i) => x !== def.imported!.values.get(name)![i]);
  expect(moved('new_head.weight') && moved('new_head.bias')).toBe(true);

  const file = exportModel(trained);
  const original = initializerBytes(residualModel());
  const exported = initializerBytes(file);
  original.delete('fc.w');
  original.delete('fc.b');
  for (const [name, hex] of original) expect([name, exported.get(name)]).toEqual([name, hex]);
  expect([...exported.keys()].sort()).toEqual([...original.keys(), 'new_head.weight', 'new_head.bias'].sort());
  const m = decodeModel(file);
  expect(m.graph.nodes.map((n) => n.opType).slice(-3)).toEqual(['GlobalAveragePool', 'Flatten', 'Gemm']);
  expect(m.graph.outputs.map((o) => [o.name, o.shape])).toEqual([['new_head.scores', ['N', 3]]]);
  // The file's own entries stay; the class names and this run's recipe and accuracy are added.
  expect(m.metadata).toEqual({
    author: 'test',
    class_labels: 'cat,dog,fox',
    model_version: 'imported (lenet-onnx-ts 0.1.0)',
    training_recipe: 'SGD lr 0.1; batch=6 epochs=2 Xavier(uniform, avg, 2.24) seed=42',
    train_accuracy: trained.history[1].accuracy.toFixed(4),
  });
  // The exported file scores as the trained model.
  const data = tiny(12);
  expect((await evaluate({ file: written(file) }, data)).accuracy).toBe((await evaluate(trained, data)).accuracy);
});

test('with the original head\'s values, the cut file scores exactly as the original: the backbone is untouched', async () => {
  const def = importModel(residualModel(), { newHead: { classes: 10 } });
  const fc = decodeModel(residualModel()).graph.initializers;
  const values = new Map([...def.imported!.values, ['new_head.weight', fc.find((t) => t.name === 'fc.w')!.data as Float32Array], ['new_head.bias', fc.find((t) => t.name === 'fc.b')!.data as Float32Array]]);
  const digits = datasets.fromArrays({ name: 'digits', pixels: pixels(6, 2), rows: 28, cols: 28, labels: Uint8Array.of(0, 1, 2, 3, 4, 5) });
  const file = exportModel({ ...(await train(def, digits, { epochs: 1, batchSize: 6 })), params: values });
  const x = f32([4, 1, 28, 28], Float32Array.from(randomFloats(4 * 784, 3, 0, 1)));
  const a = Object.values(await runOnce(residualModel(), { image: x }))[0].data as Float32Array;
  const b = Object.values(await runOnce(file, { image: x }))[0].data as Float32Array;
  expect(Array.from(b)).toEqual(Array.from(a));
});

test('--head-after a 4-D tensor flattens it; the backbone trains too when asked; names already taken are avoided', async () => {
  const def = importModel(residualModel(), { newHead: { classes: 2, after: 'r' } });
  expect(def.params.map((p) => [p.name, p.dims])).toEqual([['new_head.weight', [2, 4 * 28 * 28]], ['new_head.bias', [2]]]);
  const m = decodeModel(exportModel(await train(def, datasets.fromArrays({ name: 't', pixels: pixels(4, 1), rows: 28, cols: 28, labels: Uint8Array.of(0, 1, 0, 1) }), { epochs: 1, batchSize: 4 })));
  expect(m.graph.nodes.map((n) => n.opType).slice(-3)).toEqual(['Relu', 'Flatten', 'Gemm']);
  expect(m.graph.nodes.some((n) => n.opType === 'GlobalAveragePool')).toBe(false);
  expect(m.graph.initializers.some((t) => t.name === 'fc.w')).toBe(false);

  const byNode = importModel(residualModel(), { newHead: { classes: 2, after: 'r' } });
  expect(byNode.params.map((p) => p.dims)).toEqual(def.params.map((p) => p.dims));
  const all = importModel(residualModel(), { newHead: { classes: 2, trainBackbone: true } });
  expect(all.params.map((p) => p.name)).toEqual(expect.arrayContaining(['stem.w', 'c1.w', 'bn0.scale', 'new_head.weight', 'new_head.bias']));

  const taken = model([node('Flatten', ['image'], ['f']), node('Gemm', ['f', 'new_head.weight', 'b'], ['scores'], { transB: int(1) })], [weights('new_head.weight', [10, 784], 1), weights('b', [10], 2)], {});
  expect(importModel(taken, { newHead: { classes: 2 } }).params.map((p) => p.name)).toEqual(['new_head1.weight', 'new_head1.bias']);
});

test('what cannot take a new head is refused in one line', () => {
  expect(() => importModel(residualModel(), { newHead: { classes: 2, after: 'nowhere' } })).toThrow("no node or tensor named 'nowhere' to put the new head after");
  expect(() => importModel(residualModel(), { newHead: { classes: 1 } })).toThrow('a new head needs at least two classes, got 1');
  const noDense = model([node('GlobalAveragePool', ['image'], ['p']), node('Flatten', ['p'], ['scores'])], [], { inputDims: ['batch', 10, 4, 4] });
  expect(() => importModel(noDense, { newHead: { classes: 2 } })).toThrow('no Gemm or MatMul layer to replace with the new head; name the features with --head-after');
  expect(() => importModel(residualModel(), { pixels: { range: 1, mean: [0.5, 0.5, 0.5], std: [0.2] } })).toThrow("the pixel mean has 3 values; the model's input has 1 channels");
});

test('pixels given at import are recorded in the exported metadata and used by evaluate', async () => {
  const norm = { range: 255 as const, mean: [127.5], std: [64] };
  const def = importModel(residualModel(), { newHead: { classes: CLASSES }, pixels: norm });
  expect(def.pixels).toEqual(norm);
  const trained = await train(def, tiny(6), { epochs: 1, batchSize: 6 });
  const m = decodeModel(exportModel(trained));
  expect(m.metadata).toMatchObject({ pixel_range: '0-255', pixel_mean: '127.5', pixel_std: '64', class_labels: 'cat,dog,fox' });
  // Scored from the file alone (its recorded normalization) as the trained model is.
  const data = tiny(30);
  const path = written(exportModel(trained));
  expect((await evaluate({ file: path }, data)).confusion).toEqual((await evaluate(trained, data)).confusion);
});

