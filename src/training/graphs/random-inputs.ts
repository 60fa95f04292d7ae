// The random values a model's training forward pass asks for (ctx.random: dropout masks), as
// graph inputs that the host fills at every step. Step s of a run with seed k always gets the same
// values, whichever engine runs it (one step or K per run), on whatever device, and after a resume.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { GraphBuilder } from '../../graph/graph-builder';
import { BATCH_DIM, forwardContext, ModelDefinition, randomInputName, stateOf } from '../../graph/model-definition';
import { HostTensor } from '../../runtime/host-tensor';

/** One random input: per-sample dims (the batch, and in the K-step Loop the steps, come in front). */
export interface RandomInput {
  name: string;
  dims: number[];
}

export { randomInputName };

/** The random inputs def's training forward pass draws, in order (traced on a scratch graph). */
export function randomInputsOf(def: ModelDefinition): RandomInput[] {
  const b = new GraphBuilder(`${def.name}_random_inputs`);
  const found: RandomInput[] = [];
  const params = Object.fromEntries(def.params.map((p) => [p.name, b.input(p.name, 'float32', p.dims)]));
  const state = Object.fromEntries(stateOf(def).map((s) => [s.name, b.input(s.name, 'float32', s.dims)]));
  const ctx = forwardContext('train', state, new Map(), (name, dims) => {
    found.push({ name, dims });
    return b.input(randomInputName(name), 'float32', [BATCH_DIM, ...dims]);
  });
  def.forward(b, b.input('x', 'float32', [BATCH_DIM, ...def.sampleDims]), params, ctx);
  return found;
}

/** The generator of global step `step` of a run seeded `seed` (independent streams per step). */
function generatorOf(seed: number, step: number) {
  return xoroshiro128plus((seed ^ Math.imul(step + 1, 0x9e3779b1)) | 0);
}

/**
 * Feeds for `steps` consecutive steps from global step `firstStep`, each of `count` samples: one
 * tensor per random input, [count, ...dims] for a single step or [steps, count, ...dims] (`stacked`).
 * Values are uniform in [0, 1) with 24 random bits (exact in float32).
 */
export function randomFeeds(inputs: readonly RandomInput[], seed: number, firstStep: number, steps: number, count: number, stacked: boolean): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  if (!inputs.length) return feeds;
  const perStep = inputs.map((r) => count * r.dims.reduce((a, d) => a * d, 1));
  const data = perStep.map((n) => new Float32Array(steps * n));
  for (let s = 0; s < steps; s++) {
    const rng = generatorOf(seed, firstStep + s);
    inputs.forEach((_, i) => {
      const out = data[i];
      for (let k = s * perStep[i], end = (s + 1) * perStep[i]; k < end; k++) out[k] = (rng.next() >>> 8) / 16777216;
    });
  }
  inputs.forEach((r, i) => {
    feeds[randomInputName(r.name)] = { dtype: 'float32', dims: stacked ? [steps, count, ...r.dims] : [count, ...r.dims], data: data[i] };
  });
  return feeds;
}
