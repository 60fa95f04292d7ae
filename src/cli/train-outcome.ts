// What `train` does when the run ends: a checkpoint and the resume command when interrupted, the
// last good checkpoint when it diverged, else the exported model (kept in a checkpoint if it cannot
// be written) and, on the ORT engine, its checkpoint. Returns the process exit code.
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { writeFileAtomic } from '../io/atomic-write';
import { describeFileError, isFileError } from '../io/file-errors';
import { ortArtifactPaths } from '../ort-training/artifact-files';
import { checkpointFromParams, encodeOrtCheckpoint } from '../ort-training/checkpoint-flatbuffer';
import { TrainingState, writeCheckpoint } from '../training/run/checkpoint';
import { optimizerOf } from '../training/recipe';
import { exportModel, TrainedModel } from '../index';
import { UsageError } from './errors';
import { resumeCommand } from './resume-command';
import type { RunReport } from './run-report';
import type { TrainArgs } from './train-options';
import type { TrainPlan } from './train-plan';

export const EXIT_INTERRUPTED = 130;
export const EXIT_DIVERGED = 3;

export interface RunEnd {
  outcome: TrainedModel;
  /** Writes a checkpoint of this state to the run's checkpoint path. */
  save: (s: TrainingState) => void;
  /** The last checkpoint written during the run, described. */
  lastSaved?: string;
  report: RunReport;
}

export function reportOutcome(args: TrainArgs, plan: TrainPlan, { outcome, save, lastSaved, report }: RunEnd): number {
  const { def, artifacts, checkpointPath, recipe, paths, stepsPerEpoch } = plan;
  const opt = optimizerOf(recipe);
  if (outcome.status === 'interrupted' && args.engine === 'ort-training' && opt.name === 'adamw') {
    console.error(`interrupted at epoch ${outcome.state.epoch + 1}, step ${outcome.state.step}/${stepsPerEpoch}; no checkpoint: the ORT training API cannot read its AdamW moments back`);
    return EXIT_INTERRUPTED;
  }
  if (outcome.status === 'interrupted') {
    save(outcome.state);
    console.error(
      `interrupted at epoch ${outcome.state.epoch + 1}, step ${outcome.state.step}/${stepsPerEpoch}; ` +
        `checkpoint written to ${checkpointPath}\nresume with: ${resumeCommand(checkpointPath)}`,
    );
    return EXIT_INTERRUPTED;
  }
  if (outcome.status === 'diverged') {
    const d = outcome.divergence!;
    console.error(
      `training diverged: the loss became ${d.loss} at epoch ${d.epoch}, step ${d.step}. ` +
        `${lastSaved ? `The last good checkpoint is ${lastSaved}.` : 'No checkpoint was written (see --checkpoint-every).'} ` +
        `Try a lower --lr (this run used ${recipe.learningRate}).`,
    );
    return EXIT_DIVERGED;
  }

  if (outcome.stoppedEarly) {
    console.log(
      `reached --stop-at-accuracy ${args['stop-at-accuracy']} at epoch ${outcome.stoppedEarly.epoch}, step ${outcome.stoppedEarly.step} ` +
        `(${outcome.seconds.toFixed(1)} s after the start of training)`,
    );
  }
  const history = outcome.state.history;
  try {
    writeFileAtomic(paths.trainedModel, exportModel(outcome));
  } catch (e) {
    throw rescueTrainedState(e, outcome.state, checkpointPath, artifacts);
  }
  const total = history.reduce((s, r) => s + r.seconds, 0);
  console.log(`wrote ${paths.trainedModel} (${total.toFixed(1)} s of training)`);
  if (args.engine === 'ort-training') {
    const ckpt = ortArtifactPaths(artifacts, def.name).checkpoint;
    writeFileAtomic(ckpt, encodeOrtCheckpoint(checkpointFromParams(def.params, outcome.state.params, recipe.learningRate)));
    console.log(`wrote ${ckpt} (the trained parameters, for any ONNX Runtime training runtime)`);
  }
  console.log(`run report: ${report.metricsFile}, ${report.plotFile}`);
  return 0;
}

/**
 * The trained model could not be written: keep the trained parameters in a checkpoint (where the
 * run keeps them, else in the temporary folder) and say where, so the result is not lost.
 */
function rescueTrainedState(e: unknown, state: TrainingState, checkpointPath: string, artifacts: string): unknown {
  if (!isFileError(e)) return e;
  for (const where of [checkpointPath, join(tmpdir(), `lenet-rescued-${process.pid}.ckpt`)]) {
    try {
      writeCheckpoint(where, { ...state, artifactsDir: resolve(artifacts) });
      return new UsageError(`${describeFileError(e)}; the trained parameters are saved in ${where}: make room, then export them with: ${resumeCommand(where)}`);
    } catch {
      // try the next place
    }
  }
  return new UsageError(`${describeFileError(e)}; the trained parameters could not be saved anywhere either`);
}
