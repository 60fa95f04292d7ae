// This project's side of `npm run bench:transfer`, one measurement per process: the backbone PyTorch
// exported gets a new head after its flatten (512 features, 5 classes), trained on the benchmark's
// pictures (AdamW lr 0.01, batch 100, 30 epochs) with the backbone frozen, either through the whole
// graph at every step ('whole') or on features computed once ('cached', the time included). Prints
// the seconds of train(), the held-out accuracy and the peak RSS as one JSON line.
import { readFileSync } from 'node:fs';
import { Dataset, datasets, defaultStepsPerRun, evaluate, importModel, train } from '../src/index';

const [file, trainFile, heldFile, threads, mode] = process.argv.slice(2);

/** A set the runner wrote: count (uint32 LE), count * 784 pixels, count labels. */
function readSet(path: string, name: string): Dataset {
  const raw = readFileSync(path);
  const n = raw.readUInt32LE(0);
  return datasets.fromArrays({ name, pixels: raw.subarray(4, 4 + n * 784), rows: 28, cols: 28, labels: raw.subarray(4 + n * 784, 4 + n * 785) });
}

async function main() {
  const def = importModel(file, { newHead: { classes: 5, after: '/0/0.6/Flatten' } });
  const [data, held] = [readSet(trainFile, 'train'), readSet(heldFile, 'held out')];
  const session = { ep: 'cpu' as const, threads: Number(threads) };
  const started = performance.now();
  const trained = await train(def, data, { optimizer: 'adamw', learningRate: 0.01, batchSize: 100, epochs: 30, session, stepsPerRun: defaultStepsPerRun(session, 100), cacheFeatures: mode === 'cached' });
  const seconds = (performance.now() - started) / 1000;
  const { accuracy } = await evaluate(trained, held, { threads: Number(threads) });
  return { seconds, held_out_accuracy: accuracy, peak_rss_mb: process.resourceUsage().maxRSS / 1024 };
}

main().then((r) => console.log(JSON.stringify(r)));
