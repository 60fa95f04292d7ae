// What each engine cannot do, said once: the library refuses it before opening an engine, the CLI
// before it loads any data, each naming the options its own way.
import { ModelDefinition, stateOf } from '../../graph/model-definition';
import { ExecutionProvider } from '../../runtime/providers';
import { OPTIMIZERS } from '../graphs/optimizers/optimizer';
import { randomInputsOf } from '../graphs/random-inputs';
import { optimizerOf, Recipe } from '../recipe';

/** What a run asks of its engine; the model and recipe when they are known. */
export interface EngineUse {
  engine: 'native' | 'ort-training';
  dataParallel: boolean;
  /** Gradients over parts of each batch, summed before the update. */
  microBatch?: boolean;
  stepsPerRun?: number;
  ep?: ExecutionProvider;
  model?: ModelDefinition;
  recipe?: Recipe;
  /** The run saves checkpoints or continues one. */
  savePoints?: boolean;
}

/** How messages name the options: the library's names by default; the CLI passes its flags. */
export interface EngineWords {
  ortEngine: string;
  ep: string;
  stepsPerRun: string;
  dataParallel: string;
  microBatch: string;
  schedule: string;
  savePoints: string;
}

export const LIBRARY_WORDS: EngineWords = {
  ortEngine: 'ortTrainingEngine',
  ep: 'ep',
  stepsPerRun: 'stepsPerRun',
  dataParallel: 'data parallel training (replicas)',
  microBatch: 'microBatch',
  schedule: 'schedule',
  savePoints: 'checkpointEvery/start',
};

/** Why the engine cannot run this, in one sentence; undefined when it can. */
export function engineProblem(u: EngineUse, w: EngineWords = LIBRARY_WORDS): string | undefined {
  const ort = u.engine === 'ort-training';
  if (ort && (u.ep ?? 'cpu') !== 'cpu') return `${w.ortEngine} runs on the CPU (WebAssembly); it cannot use ${w.ep} ${u.ep}`;
  if (ort && u.dataParallel) return `${w.dataParallel} runs on the native engine only`;
  if ((u.stepsPerRun ?? 1) > 1 && ort) return `${w.stepsPerRun} applies to the native engine; ONNX Runtime's training API takes one step per call`;
  if ((u.stepsPerRun ?? 1) > 1 && u.dataParallel) return `${w.stepsPerRun} cannot be combined with ${w.dataParallel}, which combines gradients on the host every step`;
  if (ort && u.microBatch) return `${w.microBatch} runs on the native engine only`;
  if ((u.stepsPerRun ?? 1) > 1 && u.microBatch) return `${w.stepsPerRun} cannot be combined with ${w.microBatch}, whose gradients are summed on the host every step`;
  if (ort && u.recipe) {
    const optimizer = optimizerOf(u.recipe);
    const problem = OPTIMIZERS[optimizer.name].ortTrainingApiProblem(optimizer);
    if (problem) return `${w.ortEngine}: ${problem}`;
    if (u.recipe.schedule !== undefined) return `${w.ortEngine} runs at a constant rate (the web API cannot set one, so it is baked into the optimizer model); drop ${w.schedule}`;
    if (optimizer.name === 'adamw' && u.savePoints) {
      return `${w.ortEngine} with AdamW cannot be checkpointed or resumed: the web API cannot read its moments back; drop ${w.savePoints}, or use the native engine`;
    }
  }
  const state = u.model ? stateOf(u.model).length : 0;
  if (state && (ort || u.dataParallel)) {
    return `${ort ? w.ortEngine : w.dataParallel} cannot carry ${u.model!.name}'s batch-norm running statistics (${state} state tensors): use the native engine on one device`;
  }
  if (state && u.microBatch) {
    return `${w.microBatch} cannot split ${u.model!.name}'s batches: its batch norm normalizes with the statistics of the whole batch (${state} state tensors)`;
  }
  const random = u.model && (u.dataParallel || u.microBatch) ? randomInputsOf(u.model).length : 0;
  if (random) return `${u.dataParallel ? w.dataParallel : w.microBatch} does not feed ${u.model!.name}'s random values (dropout): use the native engine on one device, one batch at a time`;
  return undefined;
}
