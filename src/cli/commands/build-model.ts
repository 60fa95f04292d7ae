// `build-model`: write the training-step graph and the initial inference model to artifacts/.
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { artifactsOption, checkPositive, importOptions, lossOption, modelOption, newHeadOptions } from '../options';

const { 'cache-features': _training, ...headOptions } = newHeadOptions;

const options = {
  ...modelOption,
  ...importOptions,
  ...headOptions,
  classes: { type: 'string', describe: 'with --new-head: its classes, as names ("cat,dog,fox", recorded in the model) or a count ("3")' },
  ...artifactsOption,
  seed: { type: 'number', default: 42, describe: 'seed of the Xavier initialization' },
  format: {
    choices: ['native', 'ort-training'] as const,
    default: 'native' as const,
    describe: 'native: the training-step graph; ort-training: also ONNX Runtime training-API artifacts',
  },
  lr: { type: 'number', describe: 'learning rate baked into the ort-training optimizer model (default: the model\'s recipe)' },
  ...lossOption,
} as const;

export const buildModelCommand: CommandModule<object, InferredOptionTypes<typeof options>> = {
  command: 'build-model',
  describe: 'emit the training-step graph and the initial model as ONNX files',
  builder: (y) => y.options(options).check((args) => checkPositive(args, ['lr'], false)),
  handler: async (args) => {
    const { MODEL_DEFINITIONS } = await import('../../../model/registry.js');
    const { writeArtifacts } = await import('../../training/run/artifacts.js');
    const { paramCount } = await import('../../graph/model-definition.js');
    const { importedModelOf, withHeadAndPixels } = await import('../train-target.js');
    const { UsageError } = await import('../errors.js');
    if (args.classes !== undefined && !args['new-head']) throw new UsageError('--classes goes with --new-head');
    const classes = () => {
      const given = args.classes?.split(',').map((c) => c.trim());
      if (!given) throw new UsageError('--new-head needs --classes here: names ("cat,dog,fox") or a count');
      const count = given.length === 1 ? Number(given[0]) : NaN;
      return Number.isInteger(count) && count > 0 ? Array.from({ length: count }, (_, i) => String(i)) : given;
    };
    const imported = withHeadAndPixels(args, importedModelOf(args), classes);
    const { importModel } = await import('../../import/import-model.js');
    const model = imported ? importModel(imported.path, imported) : MODEL_DEFINITIONS[args.model];
    const def = args.loss && args.loss !== 'cross-entropy' ? { ...model, loss: args.loss } : model;
    const built = writeArtifacts(def, args.artifacts, args.seed);
    console.log(`${def.name}: ${paramCount(def).toLocaleString('en-US')} parameters${imported ? ' train' : ''}, training step of ${built.trainingNodes} ONNX nodes`);
    console.log(`wrote ${built.trainingStep}`);
    console.log(`wrote ${built.initialModel} (${imported ? `the values of ${imported.path}` : `Xavier init, seed ${args.seed}`})`);
    if (args.format === 'ort-training') {
      const { writeOrtArtifacts } = await import('../../ort-training/artifact-files.js');
      const { readInitialParams } = await import('../../training/run/artifacts.js');
      const { ortTrainingArtifacts } = await import('../../library/ort-training-artifacts.js');
      const { defaultLearningRate } = await import('../../library/recipe-defaults.js');
      const lr = args.lr ?? defaultLearningRate(def.name, 'sgd');
      const p = writeOrtArtifacts(args.artifacts, def.name, ortTrainingArtifacts(def, { params: readInitialParams(def, args.artifacts), learningRate: lr }));
      console.log(`wrote ${p.dir}/{training_model.onnx, eval_model.onnx, optimizer_model.onnx, checkpoint} (SGD lr ${lr})`);
    }
  },
};
