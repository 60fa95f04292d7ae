// `compare-ep`: a few optimizer steps (any --optimizer and schedule) on an execution provider against the same steps on the CPU (same
// start, same batches): do the losses and parameters agree? The check to run on a GPU machine.
import type { CommandModule } from 'yargs';
import { CompareEpArgs, compareEpOptions } from '../compare-ep-options';
import { checkPositive, checkRuntimeCombination, checkThreads } from '../options';

export const compareEpCommand: CommandModule<object, CompareEpArgs> = {
  command: 'compare-ep',
  describe: 'train a few steps on an execution provider and on the CPU from the same start, and compare',
  builder: (y) =>
    y
      .options(compareEpOptions)
      .check(
        (a) =>
          checkPositive(a, ['steps', 'batch-size', 'steps-per-run']) &&
          checkPositive(a, ['lr', 'tolerance'], false) &&
          checkThreads(a) &&
          checkRuntimeCombination(a),
      ),
  handler: async (args) => {
    const { compareProviders } = await import('../run-compare.js');
    process.exitCode = await compareProviders(args);
  },
};
