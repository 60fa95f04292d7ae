// Define your own model and train it: a ReLU CNN with batch normalization, a residual block,
// average pooling and dropout, written with the graph DSL and checked by defineModel. Its
// backward pass is derived by the library; the batch norms' running statistics are carried
// between steps like the parameters and end up in the exported model.
//   node --import tsx scripts/train-own-cnn.ts [--epochs 3] [--limit N] [--out own-cnn.onnx]
import { parseArgs } from 'node:util';
import { firstImages } from './first-images';
import { batchNorm, batchNormSpecs, datasets, defineModel, dropout, evaluate, exportModel, ForwardContext, GraphBuilder, ParamSpec, StateSpec, train, Value } from '../src/index';

const CONVS = [
  { name: 'stem', in: 1, out: 16 },
  { name: 'widen', in: 16, out: 32 },
  { name: 'res1', in: 32, out: 32 },
  { name: 'res2', in: 32, out: 32 },
];
const params: ParamSpec[] = [];
const state: StateSpec[] = [];
for (const c of CONVS) {
  const bn = batchNormSpecs(`${c.name}.bn`, c.out);
  params.push({ name: `${c.name}.weight`, dims: [c.out, c.in, 3, 3], init: 'xavier' }, ...bn.params);
  state.push(...bn.state);
}
params.push({ name: 'head.weight', dims: [10, 32 * 7 * 7], init: 'xavier' }, { name: 'head.bias', dims: [10], init: 'zeros' });

/** 3x3 convolution (padding 1, no bias) -> batch norm. */
const convBn = (b: GraphBuilder, ctx: ForwardContext, p: Record<string, Value>, x: Value, name: string) =>
  batchNorm(b, ctx, b.conv(x, p[`${name}.weight`], null, { pads: [1, 1, 1, 1] }, name), p, `${name}.bn`);

const ownCnn = defineModel({
  name: 'own_cnn',
  sampleDims: [1, 28, 28],
  classes: 10,
  params,
  state,
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>, ctx: ForwardContext): Value {
    const stem = b.relu(convBn(b, ctx, p, x, 'stem')); // [N,16,28,28]
    const wide = b.averagePool(b.relu(convBn(b, ctx, p, stem, 'widen')), [2, 2]); // [N,32,14,14]
    const branch = convBn(b, ctx, p, b.relu(convBn(b, ctx, p, wide, 'res1')), 'res2');
    const block = b.relu(b.add(wide, branch)); // residual: the block's input added back
    const pooled = b.averagePool(block, [2, 2]); // [N,32,7,7]
    const features = dropout(b, ctx, b.flatten(pooled, 1), 0.25, 'head.dropout');
    return b.gemm(features, p['head.weight'], p['head.bias'], { transB: true });
  },
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '3' }, limit: { type: 'string' }, out: { type: 'string', default: 'own-cnn.onnx' } } });
  const [allTrain, allTest] = await Promise.all([datasets.mnist(), datasets.mnist({ split: 'test' })]);
  // --limit N: the first N images of each split (a quick try)
  const [trainSet, testSet] = values.limit ? [allTrain, allTest].map((d) => firstImages(d, Number(values.limit))) : [allTrain, allTest];
  const started = performance.now();
  const trained = await train(ownCnn, trainSet, {
    epochs: Number(values.epochs),
    batchSize: 128,
    optimizer: 'adamw',
    learningRate: 6e-3,
    schedule: 'onecycle',
    stepsPerRun: 10,
    on: { onEpoch: (r) => console.log(`epoch ${r.epoch}/${r.epochs}: accuracy=${r.accuracy.toFixed(4)} loss=${r.loss.toFixed(4)} (${r.seconds.toFixed(1)} s)`) },
  });
  const seconds = (performance.now() - started) / 1000;
  const scored = await evaluate(trained, testSet);
  exportModel(trained, values.out);
  console.log(`test accuracy ${scored.accuracy.toFixed(4)} after ${seconds.toFixed(0)} s of training; wrote ${values.out}`);
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
