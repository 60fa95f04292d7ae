// Damaged model files through evaluate, import and one training step: 300 seeded mutations (seed 7)
// of three hand-made models, the project's own exported LeNet and, where Python has PyTorch, five
// PyTorch exports (helpers/fuzz-models.ts). Each must be refused in one
// line or scored, imported and trained normally, within 3 seconds: never another exception or a
// crash. (A longer run of 3,000: fuzz.long.test.ts.)
import { fuzz } from '../helpers/fuzz-models';

test('300 mutated model files: each refused in one line, or scored by evaluate / imported and trained', async () => {
  const r = await fuzz(300, 7);
  console.log(`fuzz (300, seed 7, ${r.seeds} seed files): evaluate scored ${r.scored}, refused ${r.notScored}; import ${r.refused} refused, ${r.trained} trained`);
  expect(r.other).toEqual([]);
  expect(r.slow).toEqual([]);
  expect(r.refused + r.trained).toBe(300);
  expect(r.scored + r.notScored).toBe(300);
}, 120_000);
