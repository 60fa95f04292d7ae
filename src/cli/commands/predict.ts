// `predict`: classify your own pictures of digits with an exported model.
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { sessionFromArgs, artifactsOption, checkRuntimeCombination, checkThreads, modelOption, runtimeOptions } from '../options';

const options = {
  ...modelOption,
  ...artifactsOption,
  'model-file': { type: 'string', describe: 'the exported inference model (default <artifacts>/<model>.onnx)' },
  top: { type: 'number', default: 3, describe: 'how many classes to show per picture' },
  json: { type: 'boolean', default: false, describe: 'print JSON instead of text' },
  ...runtimeOptions,
} as const;

type PredictArgs = InferredOptionTypes<typeof options> & { images: string[] };

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <images..>',
  describe: 'classify PNG/JPEG pictures of handwritten digits',
  builder: (y) =>
    y
      .positional('images', { type: 'string', array: true, demandOption: true, describe: 'picture files' })
      .options(options)
      .check((a) => checkThreads(a) && checkRuntimeCombination(a)) as never,
  handler: async (args) => {
    const { readGrayImage } = await import('../../data/image-file');
    const { toMnistInput, topK } = await import('../../inference/preprocess');
    const { classify } = await import('../../inference/predict');
    const { classifierFile } = await import('../classifier-file');
    const model = classifierFile(args);
    const inputs = [];
    for (const file of args.images) inputs.push(toMnistInput(await readGrayImage(file)));
    const { probabilities, classes } = await classify(model, inputs, sessionFromArgs(args));
    const results = args.images.map((file, i) => ({
      file,
      top: topK(probabilities.subarray(i * classes, (i + 1) * classes), args.top).map((t) => ({
        digit: t.digit,
        probability: Number(t.probability.toFixed(6)),
      })),
    }));
    if (args.json) console.log(JSON.stringify(results, null, 2));
    else for (const r of results) console.log(`${r.file}: ${r.top.map((t) => `${t.digit} (${t.probability.toFixed(3)})`).join(', ')}`);
  },
};
