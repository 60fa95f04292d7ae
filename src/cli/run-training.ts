// What `train` does on the command line: settle the target and lock its folder, plan the run
// (train-plan.ts), run it through the library's train() while drawing its events, and end it
// (train-outcome.ts: checkpoint, model, report). Returns the process exit code.
import { resolve } from 'node:path';
import { lockFolder } from '../io/folder-lock';
import type { TrainingState } from '../training/run/checkpoint';
import { writeCheckpoint } from '../training/run/checkpoint';
import { ortTrainingEngine } from '../training/engines/ort-training-engine';
import { train } from '../index';
import { parseDevices } from './device-options';
import { microBatchOf, sessionFromArgs, stepsPerRunOf } from './options';
import { progressBar } from './progress';
import { parseCheckpointEvery } from './recipe-options';
import { resumeCommand } from './resume-command';
import { RunReport } from './run-report';
import type { TrainArgs } from './train-options';
import { EXIT_INTERRUPTED, reportOutcome, RunEnd } from './train-outcome';
import { planTraining, TrainPlan } from './train-plan';
import { resolveTrainTarget } from './train-target';

export async function runTrainCommand(args: TrainArgs): Promise<number> {
  const target = resolveTrainTarget(args);
  const lock = lockFolder(target.artifacts, resumeCommand(target.checkpointPath).replace(/ --resume .*$/, ''));
  try {
    const plan = await planTraining(args, target);
    return reportOutcome(args, plan, await runPlan(args, plan));
  } finally {
    lock.release();
  }
}

/** Runs the plan through the library's train(), drawing its events, saving at its save points, stopping on a signal. */
async function runPlan(args: TrainArgs, plan: TrainPlan): Promise<RunEnd> {
  const { def, artifacts, checkpointPath, recipe, paths, source, data, start, method } = plan;
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
    microBatch: microBatchOf(args, def, recipe.batchSize),
    stepsPerRun: stepsPerRunOf(args, recipe.batchSize),
    trainingStepFile: paths.trainingStep,
    cacheFeatures: args['cache-features'],
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
  return { outcome, save, lastSaved, report };
}
