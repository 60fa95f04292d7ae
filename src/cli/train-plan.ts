// The plan of a `train` run, settled and printed before any step: the graphs built (or found) in
// the artifacts folder, the data found and checked against the model, the starting state (fresh or
// resumed) and the one line that says what will run.
import { Dataset, firstSamples } from '../data/dataset';
import { artifactPaths, ensureArtifacts, readInitialParams } from '../training/run/artifacts';
import { TrainingState } from '../training/run/checkpoint';
import { datasetOf } from '../training/recipe';
import { startingState } from '../library/train';
import { paramCount, stateOf } from '../graph/model-definition';
import { describeMethod } from '../training/run/training-run';
import { CliData, loadTrainingData } from './cli-data';
import { UsageError } from './errors';
import { progressBar } from './progress';
import type { TrainArgs } from './train-options';
import { checkBatchMemory, TrainTarget } from './train-target';
import { microBatchOf } from './options';

export interface TrainPlan extends TrainTarget {
  paths: ReturnType<typeof artifactPaths>;
  source: CliData;
  /** The training images (the first --limit of them). */
  data: Dataset;
  start: TrainingState;
  /** "SGD lr 0.03", as the plan line and the run report say it. */
  method: string;
  stepsPerEpoch: number;
}

/** "imported resnet: 12 tensors train (4,810 values), 14 stay as they are (1,130 values)". */
function describeImport(def: TrainTarget['def']): string {
  const { frozen } = def.imported!;
  const n = (x: number) => x.toLocaleString('en-US');
  const statistics = stateOf(def).length;
  const batchNorm = statistics ? `, ${statistics} running statistics move with the batches (--batch-norm train)` : '';
  return `imported ${def.name}: ${def.params.length} tensors train (${n(paramCount(def))} values), ${frozen.tensors} stay as they are (${n(frozen.values)} values)${batchNorm}`;
}

function limited(d: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined) return d;
  if (limit > d.images.count) throw new UsageError(`--limit ${limit} is larger than the ${d.images.count} training images`);
  return firstSamples(d, limit);
}

export async function planTraining(args: TrainArgs, target: TrainTarget): Promise<TrainPlan> {
  const { def, artifacts, recipe, saved } = target;
  const paths = artifactPaths(def, artifacts);
  if (def.imported) console.log(describeImport(def));
  const state = def.imported ? 'imported' : ensureArtifacts(def, artifacts, recipe.seed);
  if (state === 'built') console.log(`built ${paths.trainingStep} and ${paths.initialModel} (init seed ${recipe.seed})`);
  if (state === 'rebuilt') console.log(`rebuilt ${paths.trainingStep} and ${paths.initialModel}: ${def.name}'s parameters changed (init seed ${recipe.seed})`);
  if (state === 'step-refreshed') console.log(`rebuilt ${paths.trainingStep} from model/${def.name}.onnx-builder.ts`);

  const source = await loadTrainingData(def, datasetOf(recipe), {
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
  const memoryNote = checkBatchMemory(def, recipe.batchSize, { microBatch: microBatchOf(args, def, recipe.batchSize) });
  if (memoryNote) console.error(memoryNote);
  const start: TrainingState = saved
    ? { ...saved, recipe }
    : startingState(def, recipe, def.imported ? undefined : readInitialParams(def, artifacts));
  const method = describeMethod(start);
  const stepsPerEpoch = Math.ceil(data.images.count / recipe.batchSize);
  console.log(
    `${saved ? `resuming ${args.resume} at epoch ${start.epoch + 1}, step ${start.step}: ` : ''}` +
      `training ${def.name} on ${data.images.count.toLocaleString('en-US')} ${source.description}: ` +
      `${recipe.epochs} epochs, batch ${recipe.batchSize}, ${method}, ${recipe.loss ? `loss ${recipe.loss}, ` : ''}` +
      (args.engine === 'ort-training' ? 'engine ort-training (WebAssembly, 1 thread)' : `ep ${args.ep}, ${args.threads || 'auto'} threads`),
  );

  return { ...target, paths, source, data, start, method, stepsPerEpoch };
}
