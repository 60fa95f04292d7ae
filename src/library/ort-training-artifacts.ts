// ONNX Runtime's generate_artifacts without Python: the four files its training API loads
// (training_model.onnx, eval_model.onnx, optimizer_model.onnx, checkpoint), made from a model
// definition (built with the DSL or imported from any ONNX file) and returned as bytes.
import { LossName, ModelDefinition, ParamValues } from '../graph/model-definition';
import { buildOrtArtifacts, OrtArtifactBytes } from '../ort-training/artifact-files';
import { initParams } from '../training/graphs/init';
import { engineProblem, LIBRARY_WORDS } from '../training/engines/engine-limits';
import { optimizerOf, trainedAs } from '../training/recipe';
import { CONSTANT_LR } from '../training/run/schedules';
import { optimizerConfigOf } from '../training/run/recipe-settings';
import { recipeFrom } from './recipe-defaults';
import type { OptimizerOptions } from './train';

export type { OrtArtifactBytes } from '../ort-training/artifact-files';

export interface OrtArtifactOptions {
  /** The checkpoint's starting values (default: an imported model's own, else the seeded Xavier initialization). */
  params?: ParamValues;
  /** Seeds the initialization when `params` is not given (default 42). */
  seed?: number;
  /** 'sgd' (default) or 'adamw' (ONNX Runtime's SGDOptimizerV2 and AdamWOptimizer), or one with its settings. */
  optimizer?: 'sgd' | 'adamw' | OptimizerOptions;
  /** Baked into the optimizer model and the checkpoint (default: the model's recipe rate for the optimizer). */
  learningRate?: number;
  /** The loss the training model ends in (default 'cross-entropy'). */
  loss?: LossName;
}

/** The training API's artifacts for `model`; a RangeError names what that API cannot run. */
export function ortTrainingArtifacts(model: ModelDefinition, options: OrtArtifactOptions = {}): OrtArtifactBytes {
  const chosen = options.optimizer ?? 'sgd';
  const optimizer = optimizerConfigOf(typeof chosen === 'string' ? { name: chosen } : chosen);
  const recipe = recipeFrom(model.name, { ...options, optimizer, schedule: CONSTANT_LR });
  if (!(recipe.learningRate > 0)) throw new RangeError(`learningRate must be positive, got ${recipe.learningRate}`);
  const problem = engineProblem({ engine: 'ort-training', dataParallel: false, model, recipe }, { ...LIBRARY_WORDS, ortEngine: 'ortTrainingArtifacts' });
  if (problem) throw new RangeError(problem);
  const params = options.params ?? initParams(model, recipe.seed);
  return buildOrtArtifacts(trainedAs(model, recipe), params, recipe.learningRate, optimizerOf(recipe));
}
