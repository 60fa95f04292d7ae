import { epochOrder } from '../../src/data/shuffle';

test('each epoch order is a permutation, repeatable from the seed, different per epoch and seed', () => {
  const a = epochOrder(1000, 42, 0);
  expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  expect(epochOrder(1000, 42, 0)).toEqual(a);
  expect(epochOrder(1000, 42, 1)).not.toEqual(a);
  expect(epochOrder(1000, 43, 0)).not.toEqual(a);
});
