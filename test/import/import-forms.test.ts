// What exporters write that the DSL never does, each in a small hand-made model: the importer takes
// it, its forward pass scores like ONNX Runtime on the original file, and a training step moves it.
// The forms it refuses are refused in one line that names the node or tensor.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets, importModel, train } from '../../src/index';
import { ModelDefinition } from '../../src/graph/model-definition';
import { ImportError } from '../../src/import/import-error';
import { buildInferenceModel } from '../../src/inference/inference-graph';
import { encodeModel } from '../../src/onnx/encode';
import { decodeModel } from '../../src/onnx/decode';
import { int, ints, opset9ConvModel, mlpNodes, mlpWeights, model, node, str, v, weights, int64s } from '../helpers/hand-made-onnx';
import { initParams } from '../../src/training/graphs/init';
import { f32, randomFloats, runOnce } from '../helpers/run-model';

const batch = (n: number) => Float32Array.from(randomFloats(n * 784, 99, 0, 1));

/** The imported forward pass scores a batch as ONNX Runtime does on the original file. */
async function expectSameScores(bytes: Uint8Array, def: ModelDefinition, n = 3) {
  const x = batch(n);
  const dims = [n, ...def.sampleDims];
  const original = await runOnce(bytes, { image: f32(dims, x) });
  const replayed = await runOnce(encodeModel(buildInferenceModel(def, initParams(def, 1))), { input: f32(dims, x) });
  const a = Object.values(original)[0].data as Float32Array;
  const b = replayed.logits.data as Float32Array;
  expect(b.length).toBe(a.length);
  a.forEach((s, i) => expect(b[i]).toBeCloseTo(s, 5));
}

/** One training step changes every trainable tensor and leaves the rest as they were. */
async function expectTrains(def: ModelDefinition) {
  const pixels = Uint8Array.from(randomFloats(8 * 784, 5, 0, 255), Math.floor);
  const data = datasets.fromArrays({ name: 'tiny', pixels, rows: 28, cols: 28, labels: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]) });
  const trained = await train(def, data, { epochs: 1, batchSize: 8, learningRate: 0.1 });
  for (const p of def.params) expect([p.name, trained.params.get(p.name)!.some((x, i) => x !== def.imported!.values.get(p.name)![i])]).toEqual([p.name, true]);
}

describe('forms exporters write, absorbed', () => {
  test('initializers also listed as graph inputs (IR 3, opset 8)', async () => {
    const bytes = model(mlpNodes(), mlpWeights(), { opset: 8, initializersAsInputs: true });
    const def = importModel(bytes);
    expect(def.params.map((p) => p.name)).toEqual(['w1', 'b1', 'w2', 'b2']);
    await expectSameScores(bytes, def);
    await expectTrains(def);
  });

  test('opset 9 attributes that later opsets take as inputs (Unsqueeze/Squeeze axes, ReduceMean axes, Clip min/max, Slice starts/ends)', async () => {
    const bytes = opset9ConvModel();
    const def = importModel(bytes);
    await expectSameScores(bytes, def);
  });

  test('Constant nodes and a Shape -> Gather -> Unsqueeze -> Concat -> Reshape flatten (x.view(x.size(0), -1))', async () => {
    const nodes = [
      node('Conv', ['image', 'k', 'kb'], ['c'], { kernel_shape: ints([5, 5]), strides: ints([2, 2]) }),
      node('Shape', ['c'], ['shape']),
      node('Constant', [], ['zero'], { value: { kind: 'tensor', value: { name: 'zero', dtype: 'int64', dims: [], data: BigInt64Array.of(0n) } } }),
      node('Gather', ['shape', 'zero'], ['n'], { axis: int(0) }),
      node('Unsqueeze', ['n', 'axes0'], ['n1']),
      node('Constant', [], ['minus1'], { value: { kind: 'tensor', value: { name: 'minus1', dtype: 'int64', dims: [1], data: BigInt64Array.of(-1n) } } }),
      node('Concat', ['n1', 'minus1'], ['target'], { axis: int(0) }),
      node('Reshape', ['c', 'target'], ['flat']),
      node('MatMul', ['flat', 'wt'], ['mm']),
      node('Add', ['mm', 'bias'], ['scores']),
    ];
    const bytes = model(nodes, [weights('k', [3, 1, 5, 5], 1), weights('kb', [3], 2), int64s('axes0', [0]), weights('wt', [3 * 12 * 12, 10], 3), weights('bias', [10], 4)]);
    const def = importModel(bytes);
    // MatMul's weight and the separate bias Add are found as a layer's.
    expect(def.params.map((p) => p.name).sort()).toEqual(['bias', 'k', 'kb', 'wt']);
    await expectSameScores(bytes, def);
    await expectTrains(def);
  });

  test.each(['SAME_UPPER', 'SAME_LOWER', 'VALID'])('auto_pad %s made explicit', async (mode) => {
    const out = mode === 'VALID' ? 12 : 14;
    const nodes = [
      node('Conv', ['image', 'k'], ['c'], { kernel_shape: ints([4, 4]), strides: ints([2, 2]), auto_pad: str(mode) }),
      node('MaxPool', ['c'], ['p'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]), auto_pad: str(mode) }),
      node('Flatten', ['p'], ['f']),
      node('Gemm', ['f', 'w'], ['scores'], { transB: int(1) }),
    ];
    const bytes = model(nodes, [weights('k', [2, 1, 4, 4], 1), weights('w', [10, 2 * (out / 2) ** 2], 2)], { opset: 11 });
    const def = importModel(bytes);
    await expectSameScores(bytes, def);
    await expectTrains(def);
  });

  test('a weight that passes through Transpose before use, a batch fixed at 1 in the file and in a Reshape constant', async () => {
    const nodes = [
      node('Reshape', ['image', 'flatShape'], ['flat']),
      node('Transpose', ['wStored'], ['w'], { perm: ints([1, 0]) }),
      node('MatMul', ['flat', 'w'], ['mm']),
      node('Add', ['mm', 'b'], ['scores']),
    ];
    const bytes = model(nodes, [int64s('flatShape', [1, 784]), weights('wStored', [10, 784], 1), weights('b', [10], 2)], { inputDims: [1, 1, 28, 28] });
    const def = importModel(bytes);
    expect(def.params.map((p) => p.name).sort()).toEqual(['b', 'wStored']);
    await expectSameScores(bytes, def, 1);
    await expectTrains(def); // batches of 8 through a file that said 1
  });

  test('Split, Sum and Mean (emitted as Slices and Adds), PRelu and Elu', async () => {
    const nodes = [
      node('Conv', ['image', 'k'], ['c'], { kernel_shape: ints([3, 3]), strides: ints([2, 2]) }),
      node('PRelu', ['c', 'slope'], ['p']),
      node('Split', ['p', 'sizes'], ['s1', 's2', 's3'], { axis: int(1) }),
      node('Sum', ['s1', 's2'], ['sum']),
      node('Mean', ['sum', 's3'], ['mean']),
      node('Elu', ['mean'], ['e']),
      node('Flatten', ['e'], ['f']),
      node('Gemm', ['f', 'w', 'b'], ['scores'], { transB: int(1) }),
    ];
    const bytes = model(nodes, [weights('k', [6, 1, 3, 3], 1), weights('slope', [6, 1, 1], 2), int64s('sizes', [2, 2, 2]), weights('w', [10, 2 * 13 * 13], 3), weights('b', [10], 4)]);
    const def = importModel(bytes);
    expect(def.params.map((p) => p.name).sort()).toEqual(['b', 'k', 'slope', 'w']);
    await expectSameScores(bytes, def);
    await expectTrains(def);
  });

  test('a final Softmax: training uses the scores before it, and the exported file keeps it', async () => {
    const nodes = [...mlpNodes().slice(0, 3), node('Gemm', ['a', 'w2', 'b2'], ['logits'], { transB: int(1) }), node('Softmax', ['logits'], ['scores'], { axis: int(1) })];
    const bytes = model(nodes, mlpWeights());
    const def = importModel(bytes);
    const x = batch(2);
    const replayed = await runOnce(encodeModel(buildInferenceModel(def, initParams(def, 1))), { input: f32([2, 1, 28, 28], x) });
    const original = await runOnce(bytes, { image: f32([2, 1, 28, 28], x) });
    const probabilities = replayed.probabilities.data as Float32Array;
    (original.scores.data as Float32Array).forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 6));
  });

  test('tensors in an external data file are read, and written into the exported file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'external-'));
    try {
      const w = mlpWeights();
      const blob = Buffer.concat(w.map((t) => Buffer.from(t.data.buffer)));
      writeFileSync(join(dir, 'weights.bin'), blob);
      let offset = 0;
      const external = w.map((t) => {
        const entry = { location: 'weights.bin', offset: String(offset), length: String(t.data.byteLength) };
        offset += t.data.byteLength;
        return { ...t, entry };
      });
      // encodeModel writes raw_data; the external form is written here by hand with the schema.
      const { ModelProto } = await import('../../src/onnx/onnx-schema');
      const proto = ModelProto.decode(model(mlpNodes(), w)) as unknown as { graph: { initializer: Record<string, unknown>[] } };
      proto.graph.initializer = external.map((t) => ({ name: t.name, dims: t.dims, dataType: 1, dataLocation: 1, externalData: Object.entries(t.entry).map(([key, value]) => ({ key, value })) }));
      const file = join(dir, 'mlp.onnx');
      writeFileSync(file, ModelProto.encode(proto).finish());
      const def = importModel(file);
      expect(def.imported!.inlined.map((t) => t.name)).toEqual(['w1', 'b1', 'w2', 'b2']);
      await expectSameScores(encodeModel({ graph: { name: 'g', inputs: [v('image', 'float32', ['batch', 1, 28, 28])], outputs: [v('scores')], nodes: mlpNodes(), initializers: w }, opsets: { '': 13 }, irVersion: 7, producerName: '', producerVersion: '' }), def);
      // A location outside the model's folder is refused.
      proto.graph.initializer[0].externalData = [{ key: 'location', value: '../../etc/passwd' }];
      writeFileSync(file, ModelProto.encode(proto).finish());
      expect(() => importModel(file)).toThrow('external data "../../etc/passwd" lies outside the model\'s folder');
      // Through a link that leads out, to a folder or a device, to a missing file, past a file's end.
      symlinkSync('/etc/hostname', join(dir, 'link.bin'));
      mkdirSync(join(dir, 'folder'));
      const refusal = (location: string, extra: Record<string, string> = {}) => {
        proto.graph.initializer[0].externalData = Object.entries({ location, ...extra }).map(([key, value]) => ({ key, value }));
        writeFileSync(file, ModelProto.encode(proto).finish());
        return () => importModel(file);
      };
      expect(refusal('link.bin')).toThrow('external data "link.bin" lies outside the model\'s folder (through a link)');
      expect(refusal('folder')).toThrow('external data "folder" is not a regular file');
      expect(refusal('missing.bin')).toThrow(/mlp\.onnx: external data "missing\.bin": .*missing\.bin/);
      expect(refusal('weights.bin', { offset: String(blob.length - 4), length: '4000' })).toThrow(`external data "weights.bin": bytes ${blob.length - 4}-${blob.length + 3996} lie past its end (${blob.length} bytes)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('choosing what trains', () => {
  const bytes = model(mlpNodes(), mlpWeights());
  test('frozen and trainable patterns, as generate_artifacts\' frozen_params and requires_grad', () => {
    expect(importModel(bytes, { frozen: ['w1', 'b*'] }).params.map((p) => p.name)).toEqual(['w2']);
    expect(importModel(bytes, { trainable: ['?2'] }).params.map((p) => p.name)).toEqual(['w2', 'b2']);
    const def = importModel(bytes, { frozen: ['*1'] });
    expect(def.imported!.frozen).toEqual({ tensors: 2, values: 16 * 784 + 16 });
  });

  test('a pattern that names nothing is refused, listing what there is', () => {
    expect(() => importModel(bytes, { frozen: ['fc.*'] })).toThrow("frozen 'fc.*' names no float initializer of the model (it has 4: w1, b1, w2, b2)");
  });
});

describe('forms refused in one line', () => {
  test('an op without a gradient rule between a trainable tensor and the scores names the node, the op and what to freeze', async () => {
    const nodes = [...mlpNodes().slice(0, 2), node('Abs', ['h'], ['a']), mlpNodes()[3]];
    const bytes = model(nodes, mlpWeights());
    expect(() => importModel(bytes)).toThrow(/^node 'n\d+' \(Abs\) has no gradient rule and trainable parameters reach it \(w1, b1\): freeze them/);
    // Frozen below it, the layer after it trains (a frozen part may use ops without gradient rules).
    const def = importModel(bytes, { frozen: ['w1', 'b1'] });
    expect(def.params.map((p) => p.name)).toEqual(['w2', 'b2']);
  });

  test('a training graph that cannot be derived (here: the forward pass fails in training mode only) is refused naming the model', async () => {
    const def = importModel(model(mlpNodes(), mlpWeights()), { name: 'odd' });
    const failsInTraining: ModelDefinition = {
      ...def,
      forward: (b, x, params, ctx) => {
        if (ctx.mode === 'train') throw new Error("cannot un-broadcast gradient of 'b1': shapes unknown");
        return def.forward(b, x, params, ctx);
      },
    };
    const data = datasets.fromArrays({ name: 'two', pixels: new Uint8Array(2 * 784), rows: 28, cols: 28, labels: Uint8Array.from([0, 1]) });
    await expect(train(failsInTraining, data, { epochs: 1, batchSize: 2 })).rejects.toThrow(
      /^odd: no training graph can be derived: cannot un-broadcast gradient of 'b1': shapes unknown$/);
    await expect(train(failsInTraining, data, { epochs: 1, batchSize: 2 })).rejects.toBeInstanceOf(ImportError);
  });

  test('a model with two inputs, an integer input, an old opset', () => {
    const twoInputs = encodeModel({ graph: { name: 'g', inputs: [v('image', 'float32', ['batch', 1, 28, 28]), v('other', 'float32', [1])], outputs: [v('scores')], nodes: mlpNodes(), initializers: mlpWeights() }, opsets: { '': 13 }, irVersion: 7, producerName: '', producerVersion: '' });
    expect(() => importModel(twoInputs)).toThrow('imported: 2 graph inputs (image, other); a model that takes one image batch can be imported');
    const intInput = encodeModel({ graph: { name: 'g', inputs: [v('image', 'int64', ['batch', 784])], outputs: [v('scores')], nodes: [], initializers: [] }, opsets: { '': 13 }, irVersion: 7, producerName: '', producerVersion: '' });
    expect(() => importModel(intInput)).toThrow("imported: input 'image' is int64 [batch,784]; it must be float32 [batch, ...sizes] with fixed sizes after the batch");
    expect(() => importModel(model(mlpNodes(), mlpWeights(), { opset: 6 }))).toThrow('imported: ai.onnx opset 6; opsets 7 and later can be imported');
  });

  test('a float16 model: convert it first', async () => {
    const { ModelProto } = await import('../../src/onnx/onnx-schema');
    const proto = ModelProto.decode(model(mlpNodes(), mlpWeights())) as unknown as { graph: { initializer: { dataType: number; rawData: Uint8Array }[] } };
    const w1 = proto.graph.initializer[0];
    w1.dataType = 10;
    w1.rawData = w1.rawData.subarray(0, w1.rawData.length / 2);
    expect(() => importModel(ModelProto.encode(proto).finish())).toThrow("tensor 'w1': float16 (a half-precision model); convert the model to float32 first");
  });

  test('graphs that break ONNX\'s rules: a value made twice, nodes out of order (a cycle), a foreign operator set, an unknown opset, subgraphs nested too deep', async () => {
    const [flatten, dense1, relu, dense2] = mlpNodes();
    const twice = model([flatten, dense1, relu, node('Relu', ['h'], ['a']), dense2], mlpWeights());
    expect(() => importModel(twice)).toThrow(/^imported: 'a' is made twice, by node 'n\d+' \(Relu\) and by node 'n\d+' \(Relu\); every value needs a name of its own$/);
    expect(() => importModel(model(mlpNodes(), [...mlpWeights(), weights('w1', [16, 784], 9)]))).toThrow("imported: 'w1' is made twice, by an initializer and by an initializer");
    const cycle = [flatten, node('Add', ['flat', 'z'], ['y']), node('Relu', ['y'], ['z']), node('Gemm', ['z', 'w1', 'b1'], ['h'], { transB: int(1) }), relu, dense2];
    expect(() => importModel(model(cycle, mlpWeights()))).toThrow(/^imported: node 'n\d+' \(Add\) reads 'z' before node 'n\d+' \(Relu\) makes it \(the nodes are not in order, or form a cycle\)$/);
    const foreign = model([flatten, dense1, { ...relu, domain: 'com.example' }, dense2], mlpWeights());
    expect(() => importModel(foreign)).toThrow(/^imported: node 'n\d+' \(Relu\) is from operator set 'com\.example', which the model does not import$/);
    const declared = decodeModel(foreign);
    declared.opsets['com.example'] = 1;
    expect(() => importModel(encodeModel(declared))).toThrow(/^imported: node 'n\d+' \(Relu\) is from operator set 'com\.example'; only the standard ONNX operators \(ai\.onnx\) can be imported$/);
    expect(() => importModel(model(mlpNodes(), mlpWeights(), { opset: 99 }))).toThrow('imported: ai.onnx opset 99 is newer than any this project knows (up to 28)');
    // An If whose branch holds an If whose branch ... 40 deep, beside the classifier.
    const { encodeModel: encode } = await import('../../src/onnx/encode');
    let branch = { name: 'leaf', inputs: [], outputs: [], nodes: [], initializers: [] } as import('../../src/graph/types').Graph;
    for (let i = 0; i < 40; i++) branch = { name: `g${i}`, inputs: [], outputs: [], nodes: [node('If', ['cond'], [`o${i}`], { then_branch: { kind: 'graph', value: branch } })], initializers: [] };
    const deep = decodeModel(model(mlpNodes(), mlpWeights()));
    deep.graph.nodes.push(...branch.nodes);
    const { util } = await import('protobufjs');
    const limit = util.recursionLimit;
    util.recursionLimit = 1000; // only to write the file; reading it keeps protobufjs's limit
    const bytes = encode(deep);
    util.recursionLimit = limit;
    expect(() => importModel(bytes)).toThrow('subgraphs (If/Loop/Scan bodies) nested more than about 30 deep; refused');
  });

  test('a file that is not ONNX, and one that is missing', () => {
    expect(() => importModel(Uint8Array.from([1, 2, 3, 4]))).toThrow(/^not an ONNX model/);
    expect(() => importModel('/nonexistent/model.onnx')).toThrow(/model\.onnx/);
  });
});
