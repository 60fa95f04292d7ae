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
  describe: 'classify PNG/JPEG pictures (files, folders of them, or --list FILE): digits for MNIST-style models, a fine-tuned model\'s own classes otherwise',
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
    const { classify, takesMnistDigits } = await import('../../inference/predict.js');
    const { classifierFile } = await import('../classifier-file.js');
    const model = classifierFile(args);
    const files = pictureFiles(args.images ?? [], args.list);
    const digits = takesMnistDigits(model);
    const found: { file: string; input?: Float32Array; error?: string }[] = [];
    if (digits) {
      for (const file of files) {
        const image = await readGrayImage(file);
        const reason = noDigitReason(image);
        found.push(reason ? { file, error: `no digit found (${reason})` } : { file, input: toMnistInput(image) });
      }
    } else {
      const { pictureInput } = await import('../picture-input.js');
      for (const file of files) found.push({ file, input: await pictureInput(file, model) });
    }
    const inputs = found.filter((f) => f.input).map((f) => f.input!);
    const probabilities = inputs.length ? await classify(model, inputs, sessionFromArgs(args)) : new Float32Array();
    const name = (k: number) => model.classNames?.[k] ?? String(k);
    let row = 0;
    const results = found.map(({ file, input, error }) => {
      if (!input) return { file, error: error! };
      const p = probabilities.subarray(row * model.classes, ++row * model.classes);
      const top = topK(p, args.top).map((t) => ({ probability: Number(t.probability.toFixed(6)), ...(digits ? { digit: t.digit } : { class: name(t.digit), index: t.digit }) }));
      return { file, top };
    });
    const shown = (t: { digit?: number; class?: string; probability: number }) => `${t.class ?? t.digit} (${t.probability.toFixed(3)})`;
    if (args.json) console.log(JSON.stringify(results, null, 2));
    else for (const r of results) console.log(`${r.file}: ${'error' in r ? r.error : r.top.map(shown).join(', ')}`);
  },
};
