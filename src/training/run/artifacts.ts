// The files build-model writes and train reads, under one artifacts directory.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelDefinition, ParamValues } from '../../graph/model-definition';
import { buildInferenceModel, paramsFromModel } from '../../inference/inference-graph';
import { writeFileAtomic } from '../../io/atomic-write';
import { decodeModel } from '../../onnx/decode';
import { encodeModel } from '../../onnx/encode';
import { initParams } from '../graphs/init';
import { buildTrainingStep } from '../graphs/step-graph';

export const DEFAULT_ARTIFACTS_DIR = 'artifacts';

export function artifactPaths(def: ModelDefinition, dir = DEFAULT_ARTIFACTS_DIR) {
  return {
    /** (parameters, x, y, lr) -> updated parameters, loss, correct count. */
    trainingStep: join(dir, `${def.name}.training.onnx`),
    /** The inference graph with the seeded initial parameters. */
    initialModel: join(dir, `${def.name}.init.onnx`),
    /** The trained inference model that apps embed. */
    trainedModel: join(dir, `${def.name}.onnx`),
  };
}

export interface BuiltArtifacts {
  trainingStep: string;
  initialModel: string;
  trainingNodes: number;
  bytes: number;
}

export function writeArtifacts(def: ModelDefinition, dir: string, seed: number): BuiltArtifacts {
  const paths = artifactPaths(def, dir);
  const step = buildTrainingStep(def);
  const stepBytes = encodeModel(step);
  const initBytes = encodeModel(
    buildInferenceModel(def, initParams(def, seed), { init_seed: String(seed), state: 'untrained (Xavier init)' }),
  );
  writeFileAtomic(paths.trainingStep, stepBytes);
  writeFileAtomic(paths.initialModel, initBytes);
  return {
    trainingStep: paths.trainingStep,
    initialModel: paths.initialModel,
    trainingNodes: step.graph.nodes.length,
    bytes: stepBytes.length + initBytes.length,
  };
}

/** 'rebuilt': the initial model on disk no longer fits the architecture (its parameters changed). */
export type ArtifactsState = 'built' | 'rebuilt' | 'step-refreshed' | 'up-to-date';

function fits(def: ModelDefinition, initialModel: string): boolean {
  try {
    paramsFromModel(def, decodeModel(readFileSync(initialModel)), initialModel);
    return true;
  } catch {
    return false;
  }
}

/**
 * Make sure the artifacts that train reads exist and that the training-step file matches what
 * the builder emits now (an edited builder without a new build-model would otherwise train a
 * stale graph). The initial parameters are kept when present and still fit the architecture.
 */
export function ensureArtifacts(def: ModelDefinition, dir: string, seed: number): ArtifactsState {
  const p = artifactPaths(def, dir);
  if (!existsSync(p.initialModel)) {
    writeArtifacts(def, dir, seed);
    return 'built';
  }
  if (!fits(def, p.initialModel)) {
    writeArtifacts(def, dir, seed);
    return 'rebuilt';
  }
  const current = encodeModel(buildTrainingStep(def));
  if (existsSync(p.trainingStep) && Buffer.compare(readFileSync(p.trainingStep), current) === 0) return 'up-to-date';
  writeFileAtomic(p.trainingStep, current);
  return 'step-refreshed';
}

export function readInitialParams(def: ModelDefinition, dir: string): ParamValues {
  const path = artifactPaths(def, dir).initialModel;
  return paramsFromModel(def, decodeModel(readFileSync(path)), path);
}
