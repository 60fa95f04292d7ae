// What `train` does on the command line: settle the target and lock its folder, find the data,
// print the plan, run the training (src/training/run/training-run.ts) while drawing its events, and
// write the checkpoint, model and report. Returns the process exit code.
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { Dataset, firstSamples } from '../data/dataset';
import { writeFileAtomic } from '../io/atomic-write';
import { describeFileError, isFileError } from '../io/file-errors';
import { lockFolder } from '../io/folder-lock';
import { ortArtifactPaths } from '../ort-training/artifact-files';
import { checkpointFromParams, encodeOrtCheckpoint } from '../ort-training/checkpoint-flatbuffer';
import { artifactPaths, ensureArtifacts, readInitialParams } from '../training/run/artifacts';
import { TrainingState, writeCheckpoint } from '../training/run/checkpoint';
import { ortTrainingEngine } from '../training/engines/ort-training-engine';
import { initialOptimizerState } from '../training/graphs/optimizers/optimizer';
import { datasetOf } from '../training/run/recipe';
import { optimizerOf } from '../training/run/recipe';
import { initialState } from '../training/run/trainer';
import { describeMethod } from '../training/run/training-run';
import { exportModel, train } from '../index';
import { trainingData } from './cli-data';
import { parseDevices } from './device-options';
import { UsageError } from './errors';
import { sessionFromArgs, stepsPerRunOf } from './options';
import { progressBar } from './progress';
import { parseCheckpointEvery } from './recipe-options';
import { resumeCommand } from './resume-command';
import { RunReport } from './run-report';
import type { TrainArgs } from './train-options';
import { checkBatchMemory, TrainTarget, trainTarget } from './train-target';

export const EXIT_INTERRUPTED = 130;
export const EXIT_DIVERGED = 3;

function limited(d: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined) return d;
  if (limit > d.images.count) throw new UsageError(`--limit ${limit} is larger than the ${d.images.count} training images`);
  return firstSamples(d, limit);
}

export async function runTraining(args: TrainArgs): Promise<number> {
  const { def, artifacts, checkpointPath, recipe, saved } = trainTarget(args);
  const paths = artifactPaths(def, artifacts);
  const lock = lockFolder(artifacts, resumeCommand(checkpointPath).replace(/ --resume .*$/, ''));
  try {
    return await trainLocked(args, { def, artifacts, checkpointPath, recipe, saved }, paths);
  } finally {
    lock.release();
  }
}

async function trainLocked(args: TrainArgs, { def, artifacts, checkpointPath, recipe, saved }: TrainTarget, paths: ReturnType<typeof artifactPaths>): Promise<number> {

  const state = ensureArtifacts(def, artifacts, recipe.seed);
  if (state === 'built') console.log(`built ${paths.trainingStep} and ${paths.initialModel} (init seed ${recipe.seed})`);
  if (state === 'rebuilt') console.log(`rebuilt ${paths.trainingStep} and ${paths.initialModel}: ${def.name}'s parameters changed (init seed ${recipe.seed})`);
  if (state === 'step-refreshed') console.log(`rebuilt ${paths.trainingStep} from model/${def.name}.onnx-builder.ts`);

  const source = await trainingData(def, datasetOf(recipe), {
    dataDir: args['data-dir'],
    valFraction: recipe.valFraction,
    seed: recipe.seed,
    wantValidation: args['val-every'] !== undefined,
    onLog: (line) => console.error(line),
    onDownload: (file) => {
      let bar: ReturnType<typeof progressBar> | undefined;
      return (received, total) => {
        bar ??= progressBar(file, Math.ceil((total ?? 0) / 1024), ' KiB', args.progress);
        bar.update(Math.floor(received / 1024));
        if (total && received >= total) bar.stop();
      };
    },
  });
  const data = limited(source.data, recipe.limit);
  if (recipe.batchSize > data.images.count) {
    throw new UsageError(`--batch-size ${recipe.batchSize} is larger than the ${data.images.count} training images`);
  }
  const memoryNote = checkBatchMemory(def, recipe.batchSize);
  if (memoryNote) console.error(memoryNote);
  const opt = optimizerOf(recipe);
  const start: TrainingState = saved
    ? { ...saved, recipe }
    : initialState(recipe, new Map([...readInitialParams(def, artifacts), ...initialOptimizerState(def, opt)]));
  const method = describeMethod(start);
  const stepsPerEpoch = Math.ceil(data.images.count / recipe.batchSize);
  console.log(
    `${saved ? `resuming ${args.resume} at epoch ${start.epoch + 1}, step ${start.step}: ` : ''}` +
      `training ${def.name} on ${data.images.count.toLocaleString('en-US')} ${source.description}: ` +
      `${recipe.epochs} epochs, batch ${recipe.batchSize}, ${method}, ` +
      (args.engine === 'ort-training' ? 'engine ort-training (WebAssembly, 1 thread)' : `ep ${args.ep}, ${args.threads || 'auto'} threads`),
  );

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED); // second signal: stop now
    stop.abort();
    process.stderr.write(`\n${signal}: finishing the current step, then saving a checkpoint (again to quit at once)\n`);
  };
  // SIGHUP (the terminal closed) too: a run left without its terminal still saves its checkpoint.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);

  const report = new RunReport(artifacts, `${def.name}: ${method}, batch ${recipe.batchSize}`);
  const valEvery = args['val-every'] ? parseCheckpointEvery(args['val-every'], '--val-every') : undefined;
  const session = sessionFromArgs(args);
  let bar = progressBar(`epoch ${start.epoch + 1}`, data.images.count, '', args.progress);
  let lastSaved: string | undefined;
  const save = (s: TrainingState) => {
    writeCheckpoint(checkpointPath, { ...s, artifactsDir: resolve(artifacts) });
    lastSaved = `${checkpointPath} (epoch ${s.epoch + 1}, step ${s.step})`;
  };
  const runStarted = performance.now();
  // The run goes through the library's train(), with the CLI's engine, save points and signals.
  const outcome = await train(def, data, {
    start,
    engine: args.engine === 'ort-training' ? ortTrainingEngine(artifacts, (line) => console.log(line)) : undefined,
    replicas: parseDevices(args, session),
    stepsPerRun: stepsPerRunOf(args, recipe.batchSize),
    trainingStepFile: paths.trainingStep,
    onLog: (line) => console.log(line),
    session,
    validation: valEvery
      ? { data: source.validation()!, every: valEvery.unit === 'steps' ? { steps: valEvery.count } : valEvery.count, stopAtAccuracy: args['stop-at-accuracy'] }
      : undefined,
    checkpointEvery: args['checkpoint-every'] ? parseCheckpointEvery(args['checkpoint-every']) : undefined,
    signal: stop.signal,
    on: {
      onBatch: (done, _total, loss) => bar.update(done, { info: `loss ${loss.toFixed(4)}` }),
      onEpoch: async (r, valAccuracy, lr) => {
        bar.stop();
        console.log(
          `training acc at epoch ${r.epoch}/${r.epochs}: accuracy=${r.accuracy.toFixed(4)} loss=${r.loss.toFixed(4)} ` +
            `${valAccuracy !== undefined ? `val accuracy=${valAccuracy.toFixed(4)} ` : ''}` +
            `${Math.round(r.samplesPerSecond).toLocaleString('en-US')} samples/s ${r.seconds.toFixed(1)} s`,
        );
        await report.addEpoch({
          epoch: r.epoch,
          loss: r.loss,
          train_accuracy: r.accuracy,
          ...(valAccuracy !== undefined ? { val_accuracy: valAccuracy } : {}),
          samples_per_s: r.samplesPerSecond,
          lr,
          elapsed_s: (performance.now() - runStarted) / 1000,
        });
        if (r.epoch < r.epochs) bar = progressBar(`epoch ${r.epoch + 1}`, data.images.count, '', args.progress);
      },
      onValidation: (steps, accuracy, seconds) => {
        bar.stop();
        console.log(`validation after ${steps} steps: accuracy=${accuracy.toFixed(4)} (${seconds.toFixed(1)} s)`);
      },
      onCheckpoint: save,
    },
  });
  bar.stop();
  for (const s of signals) process.off(s, onSignal);

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
