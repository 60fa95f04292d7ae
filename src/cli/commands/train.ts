// `train`: SGD on ONNX Runtime with the derived training-step graph; writes the trained model.
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { artifactsOption, checkPositive, checkThreads, dataOption, modelOption, runtimeOptions } from '../options';

const options = {
  ...modelOption,
  ...artifactsOption,
  ...dataOption,
  epochs: { type: 'number', default: 10, describe: 'passes over the 60,000 training images' },
  'batch-size': { type: 'number', default: 100, describe: 'samples per SGD step' },
  lr: { type: 'number', default: 0.03, describe: 'SGD learning rate' },
  seed: { type: 'number', default: 42, describe: 'seed of the shuffle (and of the init when train builds the artifacts)' },
  progress: { type: 'boolean', default: true, describe: 'show a progress bar (on a terminal)' },
  ...runtimeOptions,
} as const;

type TrainArgs = InferredOptionTypes<typeof options>;

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'train with SGD on ONNX Runtime, then export the inference model',
  builder: (y) =>
    y.options(options).check((a) => checkPositive(a, ['epochs', 'batch-size']) && checkPositive(a, ['lr'], false) && checkThreads(a)),
  handler: async (args) => {
    const { runTraining } = await import('../run-training');
    await runTraining(args);
  },
};

export type { TrainArgs };
