// What an optimizer is, for the files that implement one (sgd.ts, adam.ts): its settings and
// the interface its implementation fills in. optimizer.ts holds the table of them.
import type { GraphBuilder } from '../../../graph/graph-builder';
import type { Value } from '../../../graph/types';

export type OptimizerName = 'sgd' | 'adam' | 'adamw';

/** The settings of every optimizer, PyTorch's names and defaults (torch.optim.SGD / Adam / AdamW). */
export interface OptimizerConfig {
  name: OptimizerName;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** Per-step values shared by every parameter's update (computed once per step). */
export type Shared = Record<string, Value>;

export interface Optimizer {
  /**
   * The state these settings need: per-parameter slots, named `<param>.<slot>`, each shaped like
   * its parameter, and whole-run float32 scalars, named `optimizer.<name>`; all start at zero.
   */
  state(c: OptimizerConfig): { slots: readonly string[]; scalars: readonly string[] };
  /** Values every parameter's update uses: from the learning rate and the scalars (before this step). */
  shared(b: GraphBuilder, lr: Value, scalars: Record<string, Value>, c: OptimizerConfig): { shared: Shared; scalarsNext: Record<string, Value> };
  /** One parameter's update: its new value and its slots' new values. */
  update(b: GraphBuilder, p: { param: Value; grad: Value; slots: Record<string, Value> }, shared: Shared, c: OptimizerConfig): { param: Value; slots: Record<string, Value> };
}

/** The seed's recipe: plain SGD. */
export const PLAIN_SGD: OptimizerConfig = { name: 'sgd', momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
