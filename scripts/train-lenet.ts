// Train LeNet on MNIST with the library alone (what `npm run train` does, minus checkpoints and
// progress bars), score it on the test set and export it.
//   node --import tsx scripts/train-lenet.ts [--epochs 10] [--limit N] [--out lenet-script.onnx]
import { parseArgs } from 'node:util';
import { firstImages } from './first-images';
import { datasets, evaluate, exportModel, models, train } from '../src/index';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '10' }, limit: { type: 'string' }, out: { type: 'string', default: 'lenet-script.onnx' } } });
  const [allTrain, allTest] = await Promise.all([datasets.mnist(), datasets.mnist({ split: 'test' })]);
  // --limit N: the first N images of each split (a quick try)
  const [trainSet, testSet] = values.limit ? [allTrain, allTest].map((d) => firstImages(d, Number(values.limit))) : [allTrain, allTest];
  // The seed recipe: SGD lr 0.03, batch 100, Xavier init.
  const trained = await train(models.lenet, trainSet, {
    epochs: Number(values.epochs),
    on: { onEpoch: (r) => console.log(`epoch ${r.epoch}/${r.epochs}: accuracy=${r.accuracy.toFixed(4)} loss=${r.loss.toFixed(4)} (${r.seconds.toFixed(1)} s)`) },
  });
  const scored = await evaluate(trained, testSet);
  exportModel(trained, values.out);
  console.log(`test accuracy ${scored.accuracy.toFixed(4)}; wrote ${values.out}`);
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
