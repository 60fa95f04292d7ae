import { FusedGradRule } from '../grad-rule';
import { maxPairApplies, maxPairGradient } from './max-over-axes';

// y = max(max(x, axes1), axes2);  dx = dy * [x == y] / (ties over both axes together)
export const MaxPair: FusedGradRule = {
  chain: ['ReduceMax', 'ReduceMax'],
  applies: ([first, second], _needs, b) => maxPairApplies(b, first, second),
  rule: ({ b, dy, chain: [first, second] }) => [maxPairGradient(b, first, second, dy), null],
};
