// `train`: optimizer steps on ONNX Runtime with the derived training graphs; writes the trained model.
import type { CommandModule } from 'yargs';
import { checkEngineCombination, checkOpenFraction, checkPositive, checkRuntimeCombination, checkThreads } from '../options';
import { checkStopAt, parseCheckpointEvery } from '../recipe-options';
import { parseDevices } from '../device-options';
import { TrainArgs, trainOptions } from '../train-options';

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'train on ONNX Runtime (SGD, Adam or AdamW), then export the inference model',
  builder: (y) =>
    y
      .options(trainOptions)
      .check(
        (a) =>
          checkPositive(a, ['epochs', 'batch-size', 'limit', 'replicas', 'steps-per-run', 'micro-batch']) &&
          checkPositive(a, ['lr'], false) &&
          checkThreads(a) &&
          checkRuntimeCombination(a) &&
          checkEngineCombination(a) &&
          !!parseDevices(a) &&
          (a['checkpoint-every'] === undefined || !!parseCheckpointEvery(a['checkpoint-every'])) &&
          (a['val-every'] === undefined || !!parseCheckpointEvery(a['val-every'], '--val-every')) &&
          checkStopAt(a) &&
          (a['val-fraction'] === undefined || checkOpenFraction(a, 'val-fraction')),
      ),
  handler: async (args) => {
    const { runTrainCommand } = await import('../run-training.js');
    process.exitCode = await runTrainCommand(args);
  },
};

