// The ORT training artifacts on disk: <artifacts>/ort-training/<model>/{training_model.onnx,
// eval_model.onnx, optimizer_model.onnx, checkpoint}, the names ONNX Runtime's own generator uses;
// one folder per model, so that building another model does not overwrite them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelDefinition, ParamValues } from '../graph/model-definition';
import { writeFileAtomic } from '../io/atomic-write';
import { decodeModel } from '../onnx/decode';
import { encodeModel } from '../onnx/encode';
import { buildOrtEvalModel, buildOrtOptimizerModel, buildOrtTrainingModel } from './artifact-graphs';
import { checkpointFromParams, decodeOrtCheckpoint, encodeOrtCheckpoint } from './checkpoint-flatbuffer';
import { validateOrtArtifacts } from './validate';
import { OptimizerConfig, PLAIN_SGD } from '../training/graphs/optimizers/optimizer';

export const ortArtifactPaths = (dir: string, model: string) => {
  const base = join(dir, 'ort-training', model);
  return {
    dir: base,
    training: join(base, 'training_model.onnx'),
    eval: join(base, 'eval_model.onnx'),
    optimizer: join(base, 'optimizer_model.onnx'),
    checkpoint: join(base, 'checkpoint'),
  };
};

export interface OrtArtifactBytes {
  training: Uint8Array;
  eval: Uint8Array;
  optimizer: Uint8Array;
  checkpoint: Uint8Array;
}

export function buildOrtArtifacts(def: ModelDefinition, params: ParamValues, learningRate: number, optimizer: OptimizerConfig = PLAIN_SGD): OrtArtifactBytes {
  return {
    training: encodeModel(buildOrtTrainingModel(def)),
    eval: encodeModel(buildOrtEvalModel(def)),
    optimizer: encodeModel(buildOrtOptimizerModel(learningRate, optimizer)),
    checkpoint: encodeOrtCheckpoint(checkpointFromParams(def.params, params, learningRate)),
  };
}

export function writeOrtArtifacts(dir: string, model: string, a: OrtArtifactBytes): ReturnType<typeof ortArtifactPaths> {
  const p = ortArtifactPaths(dir, model);
  writeFileAtomic(p.training, a.training);
  writeFileAtomic(p.eval, a.eval);
  writeFileAtomic(p.optimizer, a.optimizer);
  writeFileAtomic(p.checkpoint, a.checkpoint);
  return p;
}

export function readOrtArtifacts(dir: string, model: string): OrtArtifactBytes | undefined {
  const p = ortArtifactPaths(dir, model);
  if (![p.training, p.eval, p.optimizer, p.checkpoint].every((f) => existsSync(f))) return undefined;
  return { training: readFileSync(p.training), eval: readFileSync(p.eval), optimizer: readFileSync(p.optimizer), checkpoint: readFileSync(p.checkpoint) };
}

/** Decode and check the four artifacts; throws OrtArtifactError (or a decode error) naming what is wrong. */
export function checkOrtArtifacts(a: OrtArtifactBytes): void {
  validateOrtArtifacts({
    training: decodeModel(a.training),
    eval: decodeModel(a.eval),
    optimizer: decodeModel(a.optimizer),
    checkpoint: decodeOrtCheckpoint(a.checkpoint),
  });
}
