// `evaluate`: the separate inference path. Loads an exported model and scores the MNIST test set.
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { DEFAULT_INFERENCE_BATCH } from '../../inference/inference-batch';
import { formatConfusion } from '../format-confusion';
import { sessionFromArgs, artifactsOption, checkFraction, checkPositive, checkRuntimeCombination, checkThreads, dataOption, modelOption, runtimeOptions } from '../options';

const options = {
  ...modelOption,
  ...artifactsOption,
  'model-file': { type: 'string', describe: 'the exported inference model (default <artifacts>/<model>.onnx)' },
  ...dataOption,
  'batch-size': { type: 'number', default: DEFAULT_INFERENCE_BATCH, describe: 'images per inference run' },
  limit: { type: 'number', describe: 'score the first N test images only' },
  'min-accuracy': { type: 'number', default: 0.98, describe: 'exit non-zero below this accuracy' },
  json: { type: 'string', describe: 'also write the results (accuracy, per class, confusion matrix) to this JSON file' },
  details: { type: 'boolean', default: true, describe: 'print per-class accuracy and the confusion matrix' },
  ...runtimeOptions,
} as const;

type EvaluateArgs = InferredOptionTypes<typeof options>;

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'score an exported model on the 10,000 test images of MNIST (or --dataset; or the first --limit of them)',
  builder: (y) =>
    y.options(options).check((a) => checkPositive(a, ['batch-size', 'limit']) && checkFraction(a, 'min-accuracy') && checkThreads(a) && checkRuntimeCombination(a)),
  handler: async (args) => {
    const { datasetNamed, locateDataset, loadSplit } = await import('../../data/dataset-files.js');
    const { firstSamples } = await import('../../data/dataset.js');
    const { UsageError } = await import('../errors.js');
    const { classifierFile } = await import('../classifier-file.js');
    const model = classifierFile(args);
    const { isImageFolder, imageFolderData } = await import('../cli-data.js');
    const shape = { name: model.path, sampleDims: model.sampleDims!, classes: model.classes };
    let all: import('../../data/dataset.js').Dataset;
    let classNames: readonly string[];
    if (isImageFolder(args['data-dir'])) {
      if (args.dataset !== undefined) throw new UsageError(`--data-dir ${args['data-dir']} is a folder of pictures (class sub-folders), not ${args.dataset}'s files: drop --dataset`);
      all = await imageFolderData(args['data-dir'], shape);
      classNames = all.classNames!;
    } else {
      const dataset = datasetNamed(args.dataset);
      const dir = await locateDataset(dataset, { dataDir: args['data-dir'], onLog: (line: string) => console.error(line) });
      all = loadSplit(dir, 'test', dataset);
      classNames = dataset.classes;
    }
    if (args.limit !== undefined && args.limit > all.images.count) throw new UsageError(`--limit ${args.limit} is larger than the ${all.images.count} images`);
    const test = args.limit === undefined ? all : firstSamples(all, args.limit);
    const { evaluate } = await import('../../index.js');
    const result = await evaluate({ file: model.path }, test, {
      batchSize: args['batch-size'],
      session: sessionFromArgs(args),
    });
    console.log(
      `validation acc: accuracy=${result.accuracy.toFixed(4)} (${result.correct}/${result.total}, ` +
        `${Math.round(result.total / result.seconds).toLocaleString('en-US')} images/s)`,
    );
    if (args.details) console.log(formatConfusion(result.confusion, result.perClass, classNames));
    if (args.json) {
      const { writeFileAtomic } = await import('../../io/atomic-write.js');
      const report = { model: model.path, ...result };
      writeFileAtomic(args.json, new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`));
      console.log(`wrote ${args.json}`);
    }
    if (result.accuracy < args['min-accuracy']) {
      console.error(`accuracy ${result.accuracy.toFixed(4)} is below --min-accuracy ${args['min-accuracy']}`);
      process.exitCode = 1;
    }
  },
};
