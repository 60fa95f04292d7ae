// compareWithCpu(): the same optimizer steps from the same initial parameters and batches on the
// CPU (the step graph) and on another execution provider (the step graph, or the loop graph with
// stepsPerRun > 1), and how far apart the losses and parameters end up. What `compare-ep` prints.
import { Dataset } from '../data/dataset';
import { ModelDefinition, ParamValues } from '../graph/model-definition';
import { SessionConfig } from '../runtime/session';
import { openEngine } from '../training/engines/open-engine';
import { StepEngine } from '../training/engines/step-engine';
import { initParams } from '../training/graphs/init';
import { describeOptimizer } from '../training/graphs/optimizers/optimizer';
import { optimizerOf, Recipe, trainedAs } from '../training/recipe';
import { freshStart, runEpochs } from '../training/run/trainer';

/** The seed of the initial parameters both runs start from. */
const INIT_SEED = 42;

export interface CpuComparison {
  /** The loss of each step, on the CPU and on the other provider. */
  losses: { cpu: number[]; other: number[] };
  /** The largest difference between the two runs' losses, and the largest loss. */
  lossDiff: number;
  lossScale: number;
  /** The largest difference between the parameters after the last step, the tensor it is in, and the largest parameter. */
  paramDiff: number;
  paramAt: string;
  paramScale: number;
}

/** The recipe's optimizer and learning rate in words ("SGD lr 0.03"), for the line that says what is compared. */
export const describeSteps = (recipe: Recipe) => describeOptimizer(optimizerOf(recipe), recipe.learningRate);

/** Whether both differences are within `tolerance` of their scale. */
export const agrees = (c: CpuComparison, tolerance: number) => c.lossDiff <= tolerance * c.lossScale && c.paramDiff <= tolerance * c.paramScale;

/**
 * One epoch of `recipe` over `data` (the steps: its samples over the batch size, in order) on
 * `session`'s provider, `stepsPerRun` steps per run, and on the CPU one step per run.
 */
export async function compareWithCpu(model: ModelDefinition, recipe: Recipe, data: Dataset, session: SessionConfig, stepsPerRun = 1): Promise<CpuComparison> {
  const def = trainedAs(model, recipe);
  const start = freshStart(def, recipe, initParams(def, INIT_SEED));
  const open = (on: SessionConfig, k: number) => openEngine(def, start.params, recipe, { replicas: [], session: on, stepsPerRun: k });
  const tested = await open(session, stepsPerRun); // first: a provider that cannot start is refused before the CPU run
  const reference = await open({ ...session, ep: 'cpu' }, 1);
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
  const { diff, scale, at } = largestDifference(cpu.params, other.params);
  return {
    losses: { cpu: cpu.losses, other: other.losses },
    lossDiff: Math.max(...cpu.losses.map((l, i) => Math.abs(l - other.losses[i]))),
    lossScale: Math.max(...cpu.losses.map(Math.abs)),
    paramDiff: diff,
    paramAt: at,
    paramScale: scale,
  };
}

/** The largest elementwise difference between two sets of tensors (Infinity where one is not finite), where, and the largest value of `a`. */
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
