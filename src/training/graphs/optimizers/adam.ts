// Adam and AdamW as torch.optim.Adam / AdamW compute them (no amsgrad):
//   g = grad (+ wd * p for Adam's L2);  AdamW first decays p = p * (1 - lr * wd)
//   m = b1 * m + (1 - b1) * g;  v = b2 * v + (1 - b2) * g^2
//   p' = p - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// The bias corrections c = 1 - b^t are carried as state, updated as c' = b * c + (1 - b) from 0:
// in float32, 1 - b^t itself would lose most of its digits (1 - 0.999 in float32 is off by 1.3e-5).
import type { Optimizer, OptimizerConfig, SettingSpec } from './optimizer-interface';
import type { GraphBuilder } from '../../../graph/graph-builder';
import type { Value } from '../../../graph/types';

function adamShared(b: GraphBuilder, lr: Value, scalars: Record<string, Value>, c: OptimizerConfig) {
  // c_t = 1 - beta^t by its recursion; 1 - beta is rounded once, from double precision.
  const bc1 = b.add(b.mul(b.f32(c.beta1, 'beta1'), scalars.bias_correction1), b.f32(1 - c.beta1, 'one_minus_beta1'));
  const bc2 = b.add(b.mul(b.f32(c.beta2, 'beta2'), scalars.bias_correction2), b.f32(1 - c.beta2, 'one_minus_beta2'));
  return { shared: { lr, stepSize: b.div(lr, bc1), bc2Sqrt: b.sqrt(bc2) }, scalarsNext: { bias_correction1: bc1, bias_correction2: bc2 } };
}

function adamUpdate(decoupled: boolean): Optimizer['update'] {
  return (b, { param, grad, slots }, { lr, stepSize, bc2Sqrt }, c) => {
    const wd = c.weightDecay ? b.f32(c.weightDecay, 'weight_decay') : undefined;
    const p = decoupled && wd ? b.mul(param, b.sub(b.f32(1, 'one'), b.mul(lr, wd))) : param;
    const g = !decoupled && wd ? b.add(grad, b.mul(wd, param)) : grad;
    const m = b.add(b.mul(b.f32(c.beta1, 'beta1'), slots.exp_avg), b.mul(b.f32(1 - c.beta1, 'one_minus_beta1'), g));
    const v = b.add(b.mul(b.f32(c.beta2, 'beta2'), slots.exp_avg_sq), b.mul(b.f32(1 - c.beta2, 'one_minus_beta2'), b.mul(g, g)));
    const denom = b.add(b.div(b.sqrt(v), bc2Sqrt), b.f32(c.eps, 'eps'));
    return { param: b.sub(p, b.mul(stepSize, b.div(m, denom))), slots: { exp_avg: m, exp_avg_sq: v } };
  };
}

const betas: SettingSpec[] = [
  { key: 'beta1', default: 0.9, range: 'unit', help: 'decay of the first moment' },
  { key: 'beta2', default: 0.999, range: 'unit', help: 'decay of the second moment' },
  { key: 'eps', default: 1e-8, range: 'positive', help: 'added to the denominator' },
];
const common = {
  // PyTorch's default rate for both.
  defaultLearningRate: 0.001,
  describe(this: Optimizer, c: OptimizerConfig, rate: string) {
    return `${this.title}${rate}, betas (${c.beta1}, ${c.beta2}), eps ${c.eps}${c.weightDecay ? `, weight decay ${c.weightDecay}` : ''}`;
  },
  state: () => ({ slots: ['exp_avg', 'exp_avg_sq'], scalars: ['bias_correction1', 'bias_correction2'] }),
  shared: adamShared,
};

export const adam: Optimizer = {
  ...common,
  title: 'Adam',
  settings: [...betas, { key: 'weightDecay', default: 0, range: 'nonnegative', help: 'L2 penalty added to the gradient' }],
  ortTrainingApiProblem: () => "ORT's training API has AdamW (decoupled decay) but no Adam with L2 decay: use --optimizer adamw",
  update: adamUpdate(false),
};

export const adamw: Optimizer = {
  ...common,
  title: 'AdamW',
  settings: [...betas, { key: 'weightDecay', default: 0.01, range: 'nonnegative', help: 'decoupled weight decay' }],
  ortTrainingApiProblem: () => undefined,
  update: adamUpdate(true),
};
