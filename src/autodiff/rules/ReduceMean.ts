import { GradRule, reducedAxes, spreadTargetOf, withReducedAxesKept } from '../grad-rule';

// y = mean(x, axes);  dx = expand(dy with the reduced axes kept as 1, shape(x)) / (number of elements averaged)
export const ReduceMean: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const spread = b.expand(withReducedAxesKept(b, node, dy), spreadTargetOf(b, node, x));
  const reduced = reducedAxes(b, node).map((a) => x.shape?.[a]);
  const count = reduced.every((d): d is number => typeof d === 'number')
    ? b.f32(reduced.reduce((p, d) => p * d, 1), 'count')
    : b.div(b.cast(b.size(x), 'float32'), b.cast(b.size(dy), 'float32'));
  return [b.div(spread, count), null];
};
