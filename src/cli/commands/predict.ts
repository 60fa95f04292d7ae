// `predict`: classify your own pictures of digits with an exported model.
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { UsageError } from '../errors';
import { sessionFromArgs, artifactsOption, checkPositive, checkRuntimeCombination, checkThreads, modelOption, runtimeOptions } from '../options';

const options = {
  ...modelOption,
  ...artifactsOption,
  'model-file': { type: 'string', describe: 'the exported inference model (default <artifacts>/<model>.onnx)' },
  list: { type: 'string', describe: 'a text file naming one picture (or folder) per line, for more than a command line holds' },
  top: { type: 'number', default: 3, describe: 'how many classes to show per picture' },
  json: { type: 'boolean', default: false, describe: 'print JSON instead of text' },
  ...runtimeOptions,
} as const;

type PredictArgs = InferredOptionTypes<typeof options> & { images?: string[] };

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict [images..]',
  describe: 'classify PNG/JPEG pictures of handwritten digits (files, folders of them, or --list FILE)',
  builder: (y) =>
    y
      .positional('images', { type: 'string', array: true, describe: 'picture files, or folders of pictures' })
      .options(options)
      .check((a) => {
        if (!a.images?.length && a.list === undefined) throw new UsageError('name the pictures to classify: files, folders, or --list FILE');
        return checkPositive(a, ['top']) && checkThreads(a) && checkRuntimeCombination(a);
      }) as never,
  handler: async (args) => {
    const { readGrayImage } = await import('../../data/image-file.js');
    const { pictureFiles } = await import('../../data/picture-files.js');
    const { noDigitReason, toMnistInput, topK } = await import('../../inference/preprocess.js');
    const { classify } = await import('../../inference/predict.js');
    const { classifierFile } = await import('../classifier-file.js');
    const model = classifierFile(args);
    const files = pictureFiles(args.images ?? [], args.list);
    const found: { file: string; input?: Float32Array; error?: string }[] = [];
    for (const file of files) {
      const image = await readGrayImage(file);
      const reason = noDigitReason(image);
      found.push(reason ? { file, error: `no digit found (${reason})` } : { file, input: toMnistInput(image) });
    }
    const inputs = found.filter((f) => f.input).map((f) => f.input!);
    const probabilities = inputs.length ? await classify(model, inputs, sessionFromArgs(args)) : new Float32Array();
    let row = 0;
    const results = found.map(({ file, input, error }) => {
      if (!input) return { file, error: error! };
      const p = probabilities.subarray(row * model.classes, ++row * model.classes);
      return { file, top: topK(p, args.top).map((t) => ({ digit: t.digit, probability: Number(t.probability.toFixed(6)) })) };
    });
    if (args.json) console.log(JSON.stringify(results, null, 2));
    else for (const r of results) console.log(`${r.file}: ${'error' in r ? r.error : r.top.map((t) => `${t.digit} (${t.probability.toFixed(3)})`).join(', ')}`);
  },
};
