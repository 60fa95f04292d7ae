import { FusedGradRule } from '../grad-rule';
import { maxPairApplies, maxPairGradient } from './max-over-axes';

// y = max over two axes of reshape(tanh(x));  dx = reshape(unpool(dy * (1 - y^2))): tanh' is only
// needed at the maxima, where tanh(x) equals y, so it is applied at the pooled resolution.
export const TanhMaxPair: FusedGradRule = {
  chain: ['Tanh', 'Reshape', 'ReduceMax', 'ReduceMax'],
  applies: ([, , first, second], _needs, b) => maxPairApplies(b, first, second),
  rule: ({ b, dy, chain: [tanh, , first, second] }) => {
    const y = second.outputs[0];
    const g = b.mul(dy, b.sub(b.f32(1, 'one'), b.mul(y, y)));
    return [b.reshape(maxPairGradient(b, first, second, g), b.reshapeTargetOf(tanh.outputs[0]))]; // (a Shape of the input would keep ORT from fusing the Tanh into the GEMM before it)
  },
};
