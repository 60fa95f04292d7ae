// What an optimizer is, for the files that implement one (sgd.ts, adam.ts): the settings it
// declares, its default learning rate, what ONNX Runtime's training API can run of it, its
// description, and its update as graph ops. optimizer.ts holds the table of them; flags, checks,
// resume clashes and descriptions are derived from these declarations.
import type { GraphBuilder } from '../../../graph/graph-builder';
import type { Value } from '../../../graph/types';

export type OptimizerName = 'sgd' | 'adam' | 'adamw';

/**
 * The settings of every optimizer, PyTorch's names and defaults (torch.optim.SGD / Adam / AdamW).
 * One flat record, as recipes and checkpoints store it: a setting an optimizer does not declare
 * keeps the default of the optimizer that does.
 */
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

export type SettingKey = Exclude<keyof OptimizerConfig, 'name'>;

/** A setting's allowed values: [0, 1), 0 or more, above 0, or a switch. */
export type SettingRange = 'unit' | 'nonnegative' | 'positive' | 'boolean';

/** One setting an optimizer takes: the library calls it `key`, the CLI `--<key in kebab-case>`. */
export interface SettingSpec {
  key: SettingKey;
  default: number | boolean;
  range: SettingRange;
  help: string;
}

/** Per-step values shared by every parameter's update (computed once per step). */
export type Shared = Record<string, Value>;

export interface Optimizer {
  /** As people write it: 'SGD', 'AdamW'. */
  title: string;
  /** The settings it takes, in the order help and descriptions list them. */
  settings: readonly SettingSpec[];
  /** Its learning rate when none is given (a model may ask for another with SGD: the MLP's tutorial chapter). */
  defaultLearningRate: number;
  /** Why ONNX Runtime's training API cannot run it with these settings; undefined when it can. */
  ortTrainingApiProblem(c: OptimizerConfig): string | undefined;
  /** A rule across settings (e.g. Nesterov needs momentum): the setting at fault and why, or undefined. */
  check?(c: OptimizerConfig, label: (setting: string) => string): [SettingKey, string] | undefined;
  /** A short description: "SGD lr 0.03, momentum 0.9", "AdamW lr 0.001, betas (0.9, 0.999), eps 1e-8". */
  describe(c: OptimizerConfig, rate: string): string;
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
