// The random values fed to models that draw some (dropout): the same for the same seed and step,
// different between steps, laid out the same one step at a time or K steps stacked.
import { randomFeeds, randomInputsOf } from '../../src/training/graphs/random-inputs';
import { MODEL_DEFINITIONS } from '../../model/registry';

const inputs = [{ name: 'a', dims: [3, 2] }, { name: 'b', dims: [5] }];

test('a step\'s values depend on the seed and the step only; K stacked steps are the K single steps', () => {
  const single = (step: number) => randomFeeds(inputs, 7, step, 1, 4, false);
  expect(single(3)['random.a'].data).toEqual(single(3)['random.a'].data);
  expect(single(3)['random.a'].data).not.toEqual(single(4)['random.a'].data);
  expect(randomFeeds(inputs, 8, 3, 1, 4, false)['random.a'].data).not.toEqual(single(3)['random.a'].data);
  const stacked = randomFeeds(inputs, 7, 3, 2, 4, true);
  expect(stacked['random.b'].dims).toEqual([2, 4, 5]);
  expect(single(3)['random.a'].dims).toEqual([4, 3, 2]);
  for (const name of ['random.a', 'random.b']) {
    const joined = [...(single(3)[name].data as Float32Array), ...(single(4)[name].data as Float32Array)];
    expect(Array.from(stacked[name].data as Float32Array)).toEqual(joined);
  }
});

test('the values are uniform in [0, 1)', () => {
  const u = randomFeeds([{ name: 'u', dims: [1000] }], 1, 0, 1, 100, false)['random.u'].data as Float32Array;
  expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...u)).toBeLessThan(1);
  const mean = u.reduce((a, v) => a + v, 0) / u.length;
  expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // 100,000 values: standard error 0.0009
  const belowQuarter = u.filter((v) => v < 0.25).length / u.length;
  expect(Math.abs(belowQuarter - 0.25)).toBeLessThan(0.01);
});

test('the cnn draws one random input (its dropout, over the 3,136 features); LeNet none', () => {
  expect(randomInputsOf(MODEL_DEFINITIONS.cnn)).toEqual([{ name: 'dropout', dims: [3136] }]);
  expect(randomInputsOf(MODEL_DEFINITIONS.lenet)).toEqual([]);
});
