// Fine-tune an exported model on a folder of your own pictures (one sub-folder per class, the
// folder names being the class names), holding out a share of each class to measure the change.
//   node --import tsx scripts/fine-tune-folder.ts --model-file artifacts/lenet.onnx --pictures my-digits/ [--invert] [--out tuned.onnx]
// --invert: for dark ink on light paper (MNIST digits are light on black).
import { parseArgs } from 'node:util';
import { datasets, evaluate, exportModel, models, readParams, train } from '../src/index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'model-file': { type: 'string', default: 'artifacts/lenet.onnx' },
      pictures: { type: 'string' },
      invert: { type: 'boolean', default: false },
      epochs: { type: 'string', default: '5' },
      out: { type: 'string', default: 'fine-tuned.onnx' },
    },
  });
  if (!values.pictures) throw new Error('give --pictures <folder with one sub-folder per class>');
  const model = models.lenet;
  const start = readParams(model, values['model-file']);
  const all = await datasets.imageFolder(values.pictures, { invert: values.invert });
  const { train: trainPart, validation } = datasets.split(all, 0.25);
  const before = await evaluate({ file: values['model-file'], model }, validation);
  // A small rate: the parameters start from a trained model and should move only a little.
  const tuned = await train(model, trainPart, { initialParams: start, epochs: Number(values.epochs), batchSize: Math.min(32, trainPart.images.count), optimizer: 'adamw', learningRate: 3e-4 });
  const after = await evaluate(tuned, validation);
  exportModel(tuned, values.out);
  console.log(`held-out accuracy ${before.accuracy.toFixed(4)} -> ${after.accuracy.toFixed(4)} (${validation.images.count} pictures); wrote ${values.out}`);
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
