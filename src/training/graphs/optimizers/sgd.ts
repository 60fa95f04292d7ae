// SGD as torch.optim.SGD computes it (momentum, dampening, Nesterov, L2 weight decay):
//   g = grad + wd * p
//   buf = g on the first step, else momentum * buf + (1 - dampening) * g
//   g = g + momentum * buf (Nesterov) or buf (momentum);  p' = p - lr * g
// Without momentum no state is kept and the update is the seed's p' = p - lr * grad; the step
// count is kept only where dampening needs to know the first step.
import type { Value } from '../../../graph/types';
import type { Optimizer, Shared } from './optimizer-interface';

const none: Record<string, Value> = {};

export const sgd: Optimizer = {
  title: 'SGD',
  settings: [
    { key: 'momentum', default: 0, range: 'unit', help: 'momentum factor' },
    { key: 'dampening', default: 0, range: 'unit', help: 'dampening of the momentum' },
    { key: 'nesterov', default: false, range: 'boolean', help: 'Nesterov momentum (needs momentum, no dampening)' },
    { key: 'weightDecay', default: 0, range: 'nonnegative', help: 'L2 penalty added to the gradient' },
  ],
  // The seed tutorial's rate.
  defaultLearningRate: 0.03,
  ortTrainingApiProblem: (c) => (c.momentum === 0 && c.weightDecay === 0 ? undefined : "ORT's training API's SGD (SGDOptimizerV2) has no momentum or weight decay"),
  check: (c, label) =>
    c.nesterov && (c.momentum === 0 || c.dampening !== 0) ? ['nesterov', `needs ${label('momentum')} above 0 and no ${label('dampening')} (as in torch.optim.SGD)`] : undefined,
  describe(c, rate) {
    const extras = [c.momentum ? `momentum ${c.momentum}` : '', c.dampening ? `dampening ${c.dampening}` : '', c.nesterov ? 'nesterov' : '', c.weightDecay ? `weight decay ${c.weightDecay}` : ''];
    return [`SGD${rate}`, ...extras].filter(Boolean).join(', ');
  },
  state: (c) => ({ slots: c.momentum ? ['momentum_buffer'] : [], scalars: c.momentum && c.dampening ? ['step'] : [] }),
  shared(b, lr, scalars, c) {
    if (c.momentum === 0) return { shared: { lr } as Shared, scalarsNext: none };
    if (c.dampening === 0) return { shared: { lr, gWeight: b.f32(1, 'one') }, scalarsNext: none };
    const step = scalars.step; // steps taken before this one
    // The first step copies g into the buffer, undamped: weight 1 instead of (1 - dampening).
    const first = b.cast(b.equal(step, b.f32(0, 'zero')), 'float32');
    const gWeight = b.add(b.f32(1 - c.dampening, 'undamped'), b.mul(first, b.f32(c.dampening, 'dampening')));
    return { shared: { lr, gWeight }, scalarsNext: { step: b.add(step, b.f32(1, 'one')) } };
  },
  update(b, { param, grad, slots }, { lr, gWeight }, c) {
    const g = c.weightDecay ? b.add(grad, b.mul(b.f32(c.weightDecay, 'weight_decay'), param)) : grad;
    if (c.momentum === 0) return { param: b.sub(param, b.mul(lr, g), `${param.name}.updated`), slots: none };
    const buf = b.add(b.mul(b.f32(c.momentum, 'momentum'), slots.momentum_buffer), b.mul(gWeight, g));
    const direction = c.nesterov ? b.add(g, b.mul(b.f32(c.momentum, 'momentum'), buf)) : buf;
    return { param: b.sub(param, b.mul(lr, direction)), slots: { momentum_buffer: buf } };
  },
};
