import { FusedGradRule } from '../grad-rule';
import { unpool } from '../rules/MaxPool';

// y = maxpool(tanh(x));  dx = unpool(dy * (1 - y^2)): tanh' is only needed where the maxima are,
// and there tanh(x) equals the pooled y, so it is applied at the pooled resolution (4x fewer values).
export const TanhMaxPool: FusedGradRule = {
  chain: ['Tanh', 'MaxPool'],
  rule: ({ b, dy, chain: [, pool] }) => {
    const y = pool.outputs[0];
    return [unpool(b, pool, b.mul(dy, b.sub(b.f32(1, 'one'), b.mul(y, y))))];
  },
};
