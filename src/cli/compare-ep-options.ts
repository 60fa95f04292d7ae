// The flags of `compare-ep`, declared once: the command parses them, the comparison reads them.
import type { InferredOptionTypes } from 'yargs';
import { dataOption, importOptions, lossOption, modelOption, runtimeOptions } from './options';
import { optimizerOptions } from './optimizer-options';

const { fallback: _noFallback, ...providerOptions } = runtimeOptions;

export const compareEpOptions = {
  ...modelOption,
  ...importOptions,
  'model-file': { ...importOptions['model-file'], describe: 'compare the training of this imported ONNX model instead' },
  ...dataOption,
  ...providerOptions,
  ep: { ...runtimeOptions.ep, default: 'cuda' as const, describe: 'execution provider to compare with the CPU' },
  steps: { type: 'number', default: 20, describe: 'SGD steps to take on each' },
  'batch-size': { type: 'number', default: 100, describe: 'samples per step' },
  lr: { type: 'number', describe: 'learning rate (default: the model\'s recipe)' },
  ...optimizerOptions,
  ...lossOption,
  'steps-per-run': { type: 'number', default: 1, describe: 'on the provider: steps per run (the ONNX Loop graph when > 1)' },
  tolerance: { type: 'number', default: 1e-3, describe: 'largest difference, relative to the largest loss or parameter, still called agreement' },
} as const;

export type CompareEpArgs = InferredOptionTypes<typeof compareEpOptions>;
