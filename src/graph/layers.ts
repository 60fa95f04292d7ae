// Layers that behave differently in training and in the exported model: batch normalization
// (batch statistics and running-statistics updates vs the running statistics) and dropout
// (a random mask vs nothing). A model's forward pass calls them with its ForwardContext.
import { GraphBuilder } from './graph-builder';
import { ForwardContext, ParamSpec, StateSpec } from './model-definition';
import { Value } from './types';

export interface BatchNormOptions {
  /** Weight of the batch in the running statistics: running = (1 - momentum) * running + momentum * batch (PyTorch's convention). */
  momentum?: number;
  epsilon?: number;
}

const BN = { momentum: 0.1, epsilon: 1e-5 };

/** Names of the tensors a batch norm called `prefix` uses. */
export const batchNormNames = (prefix: string) => ({
  scale: `${prefix}.weight`,
  bias: `${prefix}.bias`,
  mean: `${prefix}.running_mean`,
  variance: `${prefix}.running_var`,
});

/** The parameters (scale 1, bias 0) and state (running mean 0, variance 1) of a batch norm over `channels`. */
export function batchNormSpecs(prefix: string, channels: number): { params: ParamSpec[]; state: StateSpec[] } {
  const n = batchNormNames(prefix);
  return {
    params: [
      { name: n.scale, dims: [channels], init: 'ones' },
      { name: n.bias, dims: [channels], init: 'zeros' },
    ],
    state: [
      { name: n.mean, dims: [channels], init: 'zeros' },
      { name: n.variance, dims: [channels], init: 'ones' },
    ],
  };
}

/**
 * Batch normalization over axis 1 of x ([N, C] or [N, C, H, W]).
 * Training: y = (x - mean_B) / sqrt(var_B + eps) * scale + bias with the batch's mean and (biased)
 * variance over every axis but 1, written as standard ops (so the backward pass follows from their
 * rules), and the running statistics move toward the batch's. Inference: ONNX BatchNormalization
 * with the running statistics.
 */
export function batchNorm(b: GraphBuilder, ctx: ForwardContext, x: Value, params: Record<string, Value>, prefix: string, o: BatchNormOptions = {}): Value {
  const { momentum, epsilon } = { ...BN, ...o };
  const n = batchNormNames(prefix);
  const [scale, bias] = [params[n.scale], params[n.bias]];
  const [mean, variance] = [ctx.state[n.mean], ctx.state[n.variance]];
  const missing = [[n.scale, scale], [n.bias, bias], [n.mean, mean], [n.variance, variance]].filter(([, v]) => !v).map(([k]) => k);
  if (missing.length) throw new Error(`batch norm '${prefix}': the model does not declare ${missing.join(', ')} (use batchNormSpecs('${prefix}', channels))`);
  const rank = x.shape?.length;
  if (rank === undefined || rank < 2) throw new Error(`batch norm '${prefix}': needs an input of known rank >= 2, got [${x.shape ?? '?'}]`);
  if (ctx.mode === 'infer') return b.batchNormalization(x, scale, bias, mean, variance, epsilon, prefix);

  const next = batchStatisticsNorm(b, x, scale, bias, mean, variance, { momentum, epsilon }, prefix);
  ctx.setState(n.mean, next.mean);
  ctx.setState(n.variance, next.variance);
  return next.y;
}

/**
 * Training-mode batch normalization over axis 1 of x, as standard ops: y = (x - mean_B) /
 * sqrt(var_B + eps) * scale + bias with the batch's mean and (biased) variance over every axis but
 * 1, and the running statistics moved toward the batch's: running = (1 - momentum) * running +
 * momentum * batch. (The imported models' BatchNormalization trains with it too.)
 */
export function batchStatisticsNorm(
  b: GraphBuilder, x: Value, scale: Value, bias: Value, mean: Value, variance: Value, o: Required<BatchNormOptions>, prefix: string,
): { y: Value; mean: Value; variance: Value } {
  const rank = x.shape!.length;
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const perChannel = [1, -1, ...Array(rank - 2).fill(1)];
  const batchMean = b.reduceMean(x, axes, true, `${prefix}_batch_mean`);
  const centered = b.sub(x, batchMean, `${prefix}_centered`);
  const batchVar = b.reduceMean(b.mul(centered, centered), axes, true, `${prefix}_batch_var`);
  const normalized = b.div(centered, b.sqrt(b.add(batchVar, b.f32(o.epsilon, 'epsilon'))), `${prefix}_normalized`);
  const y = b.add(b.mul(normalized, b.reshape(scale, perChannel)), b.reshape(bias, perChannel), prefix);

  const keep = b.f32(1 - o.momentum, 'keep');
  const take = b.f32(o.momentum, 'momentum');
  const blend = (running: Value, batch: Value) => b.add(b.mul(running, keep), b.mul(b.reshape(batch, [-1]), take));
  return { y, mean: blend(mean, batchMean), variance: blend(variance, batchVar) };
}

/**
 * Dropout in training: each element zeroed with probability `ratio`, the rest scaled by
 * 1 / (1 - ratio), the mask drawn from random values the host feeds at every step (ctx.random:
 * seeded by the recipe and the step, so runs and resumed runs repeat exactly, on any device);
 * nothing at all in the exported model.
 *   mask = [u < 1 - ratio] with u uniform in [0, 1);  y = x * mask / (1 - ratio)
 */
export function dropout(b: GraphBuilder, ctx: ForwardContext, x: Value, ratio: number, name: string): Value {
  if (!(ratio >= 0 && ratio < 1)) throw new Error(`dropout '${name}': ratio must be in [0, 1), got ${ratio}`);
  if (ctx.mode === 'infer' || ratio === 0) return x;
  const dims = x.shape?.slice(1);
  if (!dims || !dims.every((d): d is number => typeof d === 'number')) throw new Error(`dropout '${name}': needs static sample dims, got [${x.shape ?? '?'}]`);
  const keep = 1 - ratio;
  const mask = b.cast(b.less(ctx.random(name, dims), b.f32(keep, 'keep')), 'float32', `${name}_mask`);
  return b.mul(x, b.mul(mask, b.f32(1 / keep, 'dropout_scale')), name);
}
