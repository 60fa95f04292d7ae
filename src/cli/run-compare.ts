// What `compare-ep` does: the flags as a model, a recipe and the first steps' batches, the library's
// compareWithCpu() on them, and its differences printed. Returns the exit code: 1 when they disagree.
import { makeDataset, sampleSize } from '../data/dataset';
import { datasetNamed, loadSplit, locateDataset } from '../data/dataset-files';
import { PROVIDERS } from '../runtime/providers';
import type { CompareEpArgs } from './compare-ep-options';
import { UsageError } from './errors';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { recipeFromFlags } from './recipe-options';
import { importedModelOf } from './train-target';
import { importModel } from '../import/import-model';
import { agrees, compareWithCpu, describeSteps } from '../library/compare-with-cpu';

export async function compareProviders(args: CompareEpArgs): Promise<number> {
  const imported = importedModelOf(args);
  const model = imported ? importModel(imported.path, imported) : MODEL_DEFINITIONS[args.model];
  const recipe = { ...recipeFromFlags({ ...args, model: model.name, epochs: undefined, limit: undefined, seed: undefined }), epochs: 1 };
  const dataset = datasetNamed(args.dataset);
  const dir = await locateDataset(dataset, { dataDir: args['data-dir'], onLog: (line) => console.error(line) });
  const full = loadSplit(dir, 'train', dataset);
  const n = args.steps * recipe.batchSize;
  if (n > full.images.count) throw new UsageError(`--steps ${args.steps} x --batch-size ${recipe.batchSize} is more than the ${full.images.count} training images`);
  const size = sampleSize(full);
  const data = makeDataset(`${full.name}[:${n}]`, { ...full.images, count: n, pixels: full.images.pixels.subarray(0, n * size) }, full.labels.subarray(0, n));
  const k = args['steps-per-run'];
  const where = `${args.ep}${PROVIDERS[args.ep].deviceIds ? ` (device ${args['device-id']})` : ''}${k > 1 ? `, ${k} steps per run` : ''}`;
  console.log(`${args.steps} steps of ${model.name} (batch ${recipe.batchSize}, ${describeSteps(recipe)}) on ${where} against the CPU, from the same start and batches`);

  const session = { ep: args.ep, deviceId: args['device-id'], threads: args.threads, spinning: args.spinning };
  const c = await compareWithCpu(model, recipe, data, session, k);
  const { cpu, other } = c.losses;
  const shown = [...new Set([0, 1, Math.floor(args.steps / 2), args.steps - 1])].filter((i) => i < args.steps);
  for (const i of shown) console.log(`  step ${String(i + 1).padStart(3)}: loss cpu ${cpu[i].toFixed(6)}  ${args.ep} ${other[i].toFixed(6)}`);
  console.log(`largest loss difference ${c.lossDiff.toExponential(2)} (losses up to ${c.lossScale.toFixed(3)})`);
  console.log(`largest parameter difference after ${args.steps} steps ${c.paramDiff.toExponential(2)}${c.paramDiff > 0 ? ` (in ${c.paramAt})` : ''}, parameters up to ${c.paramScale.toFixed(3)}`);
  const agree = agrees(c, args.tolerance);
  console.log(agree ? `${args.ep} agrees with the CPU within ${args.tolerance} (relative)` : `${args.ep} DIFFERS from the CPU by more than ${args.tolerance} (relative)`);
  return agree ? 0 : 1;
}
