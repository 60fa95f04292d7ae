// `compare-ep`: a few optimizer steps (any --optimizer and schedule) on an execution provider against the same steps on the CPU (same
// start, same batches): do the losses and parameters agree? The check to run on a GPU machine.
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { checkPositive, checkRuntimeCombination, checkThreads, dataOption, modelOption, runtimeOptions } from '../options';
import { optimizerOptions } from '../optimizer-options';

const { fallback: _noFallback, ...providerOptions } = runtimeOptions;

const options = {
  ...modelOption,
  ...dataOption,
  ...providerOptions,
  ep: { ...runtimeOptions.ep, default: 'cuda' as const, describe: 'execution provider to compare with the CPU' },
  steps: { type: 'number', default: 20, describe: 'SGD steps to take on each' },
  'batch-size': { type: 'number', default: 100, describe: 'samples per step' },
  lr: { type: 'number', describe: 'learning rate (default: the model\'s recipe)' },
  ...optimizerOptions,
  'steps-per-run': { type: 'number', default: 1, describe: 'on the provider: steps per run (the ONNX Loop graph when > 1)' },
  tolerance: { type: 'number', default: 1e-3, describe: 'largest difference, relative to the largest loss or parameter, still called agreement' },
} as const;

export type CompareEpArgs = InferredOptionTypes<typeof options>;

export const compareEpCommand: CommandModule<object, CompareEpArgs> = {
  command: 'compare-ep',
  describe: 'train a few steps on an execution provider and on the CPU from the same start, and compare',
  builder: (y) =>
    y
      .options(options)
      .check(
        (a) =>
          checkPositive(a, ['steps', 'batch-size', 'steps-per-run']) &&
          checkPositive(a, ['lr', 'tolerance'], false) &&
          checkThreads(a) &&
          checkRuntimeCombination(a),
      ),
  handler: async (args) => {
    const { compareProviders } = await import('../run-compare');
    process.exitCode = await compareProviders(args);
  },
};
