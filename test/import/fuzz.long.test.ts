// The long run of fuzz.test.ts: 3,000 seeded mutations (seed 11) through evaluate, import and one training step.
import { fuzz } from '../helpers/fuzz-models';

test('3,000 mutated model files: each refused in one line, or scored by evaluate / imported and trained', async () => {
  const r = await fuzz(3000, 11);
  console.log(`fuzz (3,000, seed 11, ${r.seeds} seed files): evaluate scored ${r.scored}, refused ${r.notScored}; import ${r.refused} refused, ${r.trained} trained`);
  expect(r.other).toEqual([]);
  expect(r.slow).toEqual([]);
  expect(r.refused + r.trained).toBe(3000);
  expect(r.scored + r.notScored).toBe(3000);
}, 900_000);
