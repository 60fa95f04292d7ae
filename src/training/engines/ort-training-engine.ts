// The --engine ort-training step engine: ONNX Runtime's TrainingSession (onnxruntime-web 1.18.0's
// training build) runs the artifacts; parameters live inside the session and are read back as the
// eval model's outputs (one eval step on a blank sample): 1.18's getContiguousParameters frees a
// stack address as heap memory and corrupts the WebAssembly heap for some parameter counts.
import { ModelDefinition, ParamValues } from '../../graph/model-definition';
import { OrtTrainingSession } from '../../runtime/ort-training-session';
import { checkOneStep, singleStep, StepEngine, targetsFeed } from './step-engine';
import { STEP_INPUTS, STEP_OUTPUTS } from '../graphs/step-graph';
import { buildOrtArtifacts, checkOrtArtifacts, OrtArtifactBytes, readOrtArtifacts, writeOrtArtifacts } from '../../ort-training/artifact-files';
import type { EngineFactory } from './open-engine';
import { optimizerOf } from '../recipe';
import { checkpointFromParams, encodeOrtCheckpoint } from '../../ort-training/checkpoint-flatbuffer';
import { PARAMETERS_OUTPUT } from '../../ort-training/artifact-graphs';

/** The flat parameter vector split into named tensors (the definition's order). */
function splitParameters(def: ModelDefinition, flat: Float32Array): ParamValues {
  const out: ParamValues = new Map();
  let at = 0;
  for (const p of def.params) {
    const n = p.dims.reduce((a, d) => a * d, 1);
    out.set(p.name, flat.slice(at, at + n));
    at += n;
  }
  if (at !== flat.length) throw new Error(`runtime returned ${flat.length} parameters, the model has ${at}`);
  return out;
}

/** `artifacts` supply the graphs; the checkpoint is made from `params`, so any state can be resumed. */
export async function ortEngine(def: ModelDefinition, artifacts: OrtArtifactBytes, params: ParamValues, learningRate: number): Promise<StepEngine> {
  const checkpoint = encodeOrtCheckpoint(checkpointFromParams(def.params, params, learningRate));
  checkOrtArtifacts({ ...artifacts, checkpoint });
  const session = await OrtTrainingSession.create({
    trainingModel: artifacts.training,
    evalModel: artifacts.eval,
    optimizerModel: artifacts.optimizer,
    checkpoint,
  });
  return {
    stepsPerRun: 1,
    async run(x, y, steps, count, lrs) {
      checkOneStep(steps);
      // The optimizer model has its rate baked in (the web API cannot set one): a schedule is refused before training.
      if (lrs[0] !== Math.fround(learningRate)) throw new Error(`the ORT training engine runs at its baked-in rate ${learningRate}, not ${lrs[0]}`);
      const out = await session.trainStep({
        [STEP_INPUTS.images]: { dtype: 'float32', dims: [count, ...def.sampleDims], data: x },
        [STEP_INPUTS.labels]: targetsFeed(y, [count], def.classes),
      });
      return singleStep(
        (out[STEP_OUTPUTS.loss].data as Float32Array)[0],
        (out[STEP_OUTPUTS.correct].data as Float32Array)[0],
        () => session.optimizerStep(),
      );
    },
    params: async () => {
      const size = def.sampleDims.reduce((n, d) => n * d, 1);
      const blank = {
        [STEP_INPUTS.images]: { dtype: 'float32' as const, dims: [1, ...def.sampleDims], data: new Float32Array(size) },
        [STEP_INPUTS.labels]: targetsFeed(def.targetValues ? new Float32Array(def.classes) : new BigInt64Array(1), [1], def.classes),
      };
      return splitParameters(def, await session.evalOutput(blank, PARAMETERS_OUTPUT));
    },
    release: () => session.release(),
  };
}

/**
 * The engine factory for train(): at the start of the run the artifacts are written to
 * `artifactsDir` from the model and the recipe (its learning rate is baked into the optimizer
 * model), then read back: what runs is what is on disk.
 */
export function ortTrainingEngine(artifactsDir: string, onLog: (line: string) => void = () => {}): EngineFactory {
  const open: EngineFactory = async (def, params, recipe) => {
    const ort = writeOrtArtifacts(artifactsDir, def.name, buildOrtArtifacts(def, params, recipe.learningRate, optimizerOf(recipe)));
    onLog(`ONNX Runtime training API (onnxruntime-web 1.18.0, WebAssembly): artifacts in ${ort.dir}`);
    return ortEngine(def, readOrtArtifacts(artifactsDir, def.name)!, params, recipe.learningRate);
  };
  return Object.assign(open, { kind: 'ort-training' as const });
}
