// What `train` does, step by step, with its console output.
import { writeFileAtomic } from '../io/atomic-write';
import { locateMnist, loadSplit } from '../data/mnist';
import { buildInferenceModel } from '../inference/inference-graph';
import { encodeModel } from '../onnx/encode';
import { artifactPaths, ensureArtifacts, readInitialParams } from '../training/artifacts';
import { XAVIER_MAGNITUDE } from '../training/init';
import { train } from '../training/trainer';
import type { TrainArgs } from './commands/train';
import { UsageError } from './errors';
import { MODEL_DEFINITIONS } from './model-registry';
import { progressBar } from './progress';

export async function runTraining(args: TrainArgs): Promise<void> {
  const def = MODEL_DEFINITIONS[args.model];
  const paths = artifactPaths(def, args.artifacts);
  const state = ensureArtifacts(def, args.artifacts, args.seed);
  if (state === 'built') console.log(`built ${paths.trainingStep} and ${paths.initialModel} (init seed ${args.seed})`);
  if (state === 'step-refreshed') console.log(`rebuilt ${paths.trainingStep} from model/${def.name}.onnx-builder.ts`);
  const dataDir = await locateMnist({
    dataDir: args['data-dir'],
    onLog: (line) => console.error(line),
    onDownload: (file) => {
      let bar: ReturnType<typeof progressBar> | undefined;
      return (received, total) => {
        bar ??= progressBar(file, Math.ceil((total ?? 0) / 1024), ' KiB', args.progress);
        bar.update(Math.floor(received / 1024));
        if (total && received >= total) bar.stop();
      };
    },
  });
  const data = loadSplit(dataDir, 'train');
  if (args['batch-size'] > data.images.count) {
    throw new UsageError(`--batch-size ${args['batch-size']} is larger than the ${data.images.count} training images`);
  }
  const init = readInitialParams(def, args.artifacts);
  console.log(
    `training ${def.name} on ${data.images.count.toLocaleString('en-US')} images from ${dataDir}: ` +
      `${args.epochs} epochs, batch ${args['batch-size']}, SGD lr ${args.lr}, ep ${args.ep}, ${args.threads || 'auto'} threads`,
  );
  let bar = progressBar('epoch 1', data.images.count, '', args.progress);
  const result = await train(
    def,
    paths.trainingStep,
    init,
    data,
    {
      epochs: args.epochs,
      batchSize: args['batch-size'],
      learningRate: args.lr,
      seed: args.seed,
      session: { ep: args.ep, deviceId: args['device-id'], threads: args.threads, spinning: args.spinning },
    },
    {
      onBatch: (done, _total, loss) => bar.update(done, { info: `loss ${loss.toFixed(4)}` }),
      onEpoch: (r) => {
        bar.stop();
        console.log(
          `training acc at epoch ${r.epoch}/${r.epochs}: accuracy=${r.accuracy.toFixed(4)} loss=${r.loss.toFixed(4)} ` +
            `${Math.round(r.samplesPerSecond).toLocaleString('en-US')} samples/s ${r.seconds.toFixed(1)} s`,
        );
        if (r.epoch < r.epochs) bar = progressBar(`epoch ${r.epoch + 1}`, data.images.count, '', args.progress);
      },
    },
  );
  const last = result.epochs[result.epochs.length - 1];
  const model = buildInferenceModel(def, result.params, {
    training_recipe: `SGD lr=${args.lr} batch=${args['batch-size']} epochs=${args.epochs} Xavier(uniform, avg, ${XAVIER_MAGNITUDE}) seed=${args.seed}`,
    train_accuracy: last ? last.accuracy.toFixed(4) : 'n/a',
    input_normalization: 'float32 pixels / 255, background 0, ink 1, shape [N,1,28,28]',
    class_labels: Array.from({ length: def.classes }, (_, i) => i).join(','),
  });
  writeFileAtomic(paths.trainedModel, encodeModel(model));
  const total = result.epochs.reduce((s, r) => s + r.seconds, 0);
  console.log(`wrote ${paths.trainedModel} (${total.toFixed(1)} s of training)`);
}
