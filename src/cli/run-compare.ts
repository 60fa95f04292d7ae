// What `compare-ep` does: the same optimizer steps from the same initial parameters on the CPU (the step
// graph) and on the chosen provider (the step graph, or the loop graph with --steps-per-run), then
// the largest differences in loss and parameters. Returns the exit code: 1 when they disagree.
import { makeDataset, sampleSize } from '../data/dataset';
import { datasetNamed, loadSplit, locateDataset } from '../data/dataset-files';
import { PROVIDERS } from '../runtime/providers';
import { SessionConfig } from '../runtime/session';
import { initParams } from '../training/graphs/init';
import { ParamValues } from '../graph/model-definition';
import { openEngine } from '../training/engines/open-engine';
import { StepEngine } from '../training/engines/step-engine';
import { freshStart, runEpochs } from '../training/run/trainer';
import type { CompareEpArgs } from './compare-ep-options';
import { UsageError } from './errors';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { recipeFromFlags } from './recipe-options';
import { importedModelOf } from './train-target';
import { importModel } from '../import/import-model';
import { optimizerOf, trainedAs } from '../training/recipe';
import { describeOptimizer } from '../training/graphs/optimizers/optimizer';

const INIT_SEED = 42;

export async function compareProviders(args: CompareEpArgs): Promise<number> {
  const imported = importedModelOf(args);
  const model = imported ? importModel(imported.path, imported) : MODEL_DEFINITIONS[args.model];
  const recipe = { ...recipeFromFlags({ ...args, model: model.name, epochs: undefined, limit: undefined, seed: undefined }), epochs: 1 };
  const def = trainedAs(model, recipe);
  const dataset = datasetNamed(args.dataset);
  const dir = await locateDataset(dataset, { dataDir: args['data-dir'], onLog: (line) => console.error(line) });
  const full = loadSplit(dir, 'train', dataset);
  const n = args.steps * recipe.batchSize;
  if (n > full.images.count) throw new UsageError(`--steps ${args.steps} x --batch-size ${recipe.batchSize} is more than the ${full.images.count} training images`);
  const size = sampleSize(full);
  const data = makeDataset(`${full.name}[:${n}]`, { ...full.images, count: n, pixels: full.images.pixels.subarray(0, n * size) }, full.labels.subarray(0, n));
  const start = freshStart(def, recipe, initParams(def, INIT_SEED));
  const session = (ep: SessionConfig['ep']): SessionConfig => ({ ep, deviceId: args['device-id'], threads: args.threads, spinning: args.spinning });
  const k = args['steps-per-run'];
  const where = `${args.ep}${PROVIDERS[args.ep].deviceIds ? ` (device ${args['device-id']})` : ''}${k > 1 ? `, ${k} steps per run` : ''}`;
  console.log(`${args.steps} steps of ${def.name} (batch ${recipe.batchSize}, ${describeOptimizer(optimizerOf(recipe), recipe.learningRate)}) on ${where} against the CPU, from the same start and batches`);

  const onOne = (ep: SessionConfig['ep'], stepsPerRun: number) => openEngine(def, start.params, recipe, { replicas: [], session: session(ep), stepsPerRun });
  const tested = await onOne(args.ep, k);
  const reference = await onOne('cpu', 1);
  const runOn = async (engine: StepEngine) => {
    const losses: number[] = [];
    const recording: StepEngine = {
      ...engine,
      run: async (x, y, steps, count, lrs, firstStep) => {
        const r = await engine.run(x, y, steps, count, lrs, firstStep);
        losses.push(...r.losses);
        return r;
      },
    };
    try {
      const outcome = await runEpochs(recording, start, data, { pixels: def.pixels });
      return { losses, params: outcome.state.params };
    } finally {
      await engine.release();
    }
  };
  const cpu = await runOn(reference);
  const other = await runOn(tested);

  const lossDiff = Math.max(...cpu.losses.map((l, i) => Math.abs(l - other.losses[i])));
  const lossScale = Math.max(...cpu.losses.map(Math.abs));
  const { diff: paramDiff, scale: paramScale, at } = largestDifference(cpu.params, other.params);
  const shown = [...new Set([0, 1, Math.floor(args.steps / 2), args.steps - 1])].filter((i) => i < args.steps);
  for (const i of shown) console.log(`  step ${String(i + 1).padStart(3)}: loss cpu ${cpu.losses[i].toFixed(6)}  ${args.ep} ${other.losses[i].toFixed(6)}`);
  console.log(`largest loss difference ${lossDiff.toExponential(2)} (losses up to ${lossScale.toFixed(3)})`);
  console.log(`largest parameter difference after ${args.steps} steps ${paramDiff.toExponential(2)}${paramDiff > 0 ? ` (in ${at})` : ''}, parameters up to ${paramScale.toFixed(3)}`);
  const agree = lossDiff <= args.tolerance * lossScale && paramDiff <= args.tolerance * paramScale;
  console.log(agree ? `${args.ep} agrees with the CPU within ${args.tolerance} (relative)` : `${args.ep} DIFFERS from the CPU by more than ${args.tolerance} (relative)`);
  return agree ? 0 : 1;
}

function largestDifference(a: ParamValues, b: ParamValues): { diff: number; scale: number; at: string } {
  let diff = 0;
  let scale = 0;
  let at = '';
  for (const [name, values] of a) {
    const other = b.get(name)!;
    for (let i = 0; i < values.length; i++) {
      scale = Math.max(scale, Math.abs(values[i]));
      const d = Math.abs(values[i] - other[i]);
      if (d > diff || !Number.isFinite(d)) [diff, at] = [Number.isFinite(d) ? d : Infinity, name];
    }
  }
  return { diff, scale, at };
}
