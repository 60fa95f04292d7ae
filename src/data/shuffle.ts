// Seeded per-epoch sample order: epoch e of seed s is always the same permutation,
// so a run can be repeated (and resumed) exactly.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const rng = xoroshiro128plus(seed);
  for (let e = 0; e < epoch; e++) rng.jump(); // an independent stream per epoch
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i); // Fisher-Yates
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export const inOrder = (count: number): Uint32Array => Uint32Array.from({ length: count }, (_, i) => i);
