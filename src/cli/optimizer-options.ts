// The optimizer and learning-rate schedule flags of `train` (PyTorch's names and defaults), turned
// into the recipe's OptimizerConfig and ScheduleConfig, with their checks.
import type { Options } from 'yargs';
import { OPTIMIZERS, OptimizerConfig, OptimizerName, PLAIN_SGD } from '../training/optimizers/optimizer';
import { CONSTANT_LR, SCHEDULE_NAMES, ScheduleConfig } from '../training/schedules';
import { UsageError } from './errors';

// No yargs defaults: with --resume an explicit flag is checked against the checkpoint.
export const optimizerOptions = {
  optimizer: { choices: Object.keys(OPTIMIZERS) as OptimizerName[], describe: 'sgd (default), adam or adamw (torch.optim semantics)' },
  momentum: { type: 'number', describe: 'sgd: momentum factor (default 0)' },
  dampening: { type: 'number', describe: 'sgd: dampening of the momentum (default 0)' },
  nesterov: { type: 'boolean', describe: 'sgd: Nesterov momentum (needs --momentum, no dampening)' },
  'weight-decay': { type: 'number', describe: 'sgd/adam: L2 penalty added to the gradient; adamw: decoupled decay (default 0; adamw 0.01)' },
  beta1: { type: 'number', describe: 'adam/adamw: decay of the first moment (default 0.9)' },
  beta2: { type: 'number', describe: 'adam/adamw: decay of the second moment (default 0.999)' },
  eps: { type: 'number', describe: 'adam/adamw: added to the denominator (default 1e-8)' },
  'lr-schedule': { choices: SCHEDULE_NAMES, describe: 'constant (default), step, cosine or onecycle, per step' },
  'warmup-steps': { type: 'number', describe: 'linear warm-up steps before the schedule (constant, step, cosine)' },
  'lr-min': { type: 'number', describe: 'cosine: the rate at the end (default 0)' },
  'step-size': { type: 'number', describe: 'step: steps between rate drops (default 1000)' },
  gamma: { type: 'number', describe: 'step: factor of each drop (default 0.1)' },
} as const satisfies Record<string, Options>;

export interface OptimizerFlags {
  optimizer?: OptimizerName;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  'weight-decay'?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  'lr-schedule'?: ScheduleConfig['name'];
  'warmup-steps'?: number;
  'lr-min'?: number;
  'step-size'?: number;
  gamma?: number;
}

const SGD_ONLY = ['momentum', 'dampening', 'nesterov'] as const;
const ADAM_ONLY = ['beta1', 'beta2', 'eps'] as const;

/** PyTorch's default learning rate for Adam and AdamW. */
export const ADAM_LEARNING_RATE = 0.001;

export function optimizerFromFlags(f: OptimizerFlags): OptimizerConfig {
  const name = f.optimizer ?? 'sgd';
  const misplaced = (name === 'sgd' ? ADAM_ONLY : SGD_ONLY).find((k) => f[k] !== undefined);
  if (misplaced) throw new UsageError(`--${misplaced} does not apply to --optimizer ${name}`);
  const c: OptimizerConfig = {
    name,
    momentum: f.momentum ?? 0,
    dampening: f.dampening ?? 0,
    nesterov: f.nesterov ?? false,
    weightDecay: f['weight-decay'] ?? (name === 'adamw' ? 0.01 : 0),
    beta1: f.beta1 ?? 0.9,
    beta2: f.beta2 ?? 0.999,
    eps: f.eps ?? 1e-8,
  };
  const inUnit = (flag: string, v: number) => {
    if (!(v >= 0 && v < 1)) throw new UsageError(`--${flag} must be in [0, 1), got ${v}`);
  };
  inUnit('momentum', c.momentum);
  inUnit('dampening', c.dampening);
  inUnit('beta1', c.beta1);
  inUnit('beta2', c.beta2);
  if (!(c.weightDecay >= 0)) throw new UsageError(`--weight-decay must be 0 or more, got ${c.weightDecay}`);
  if (!(c.eps > 0)) throw new UsageError(`--eps must be positive, got ${c.eps}`);
  if (c.nesterov && (c.momentum === 0 || c.dampening !== 0)) throw new UsageError('--nesterov needs --momentum above 0 and no --dampening (as in torch.optim.SGD)');
  const plain = Object.entries(PLAIN_SGD).every(([k, v]) => c[k as keyof OptimizerConfig] === v);
  return plain ? PLAIN_SGD : c;
}

export function scheduleFromFlags(f: OptimizerFlags): ScheduleConfig {
  const name = f['lr-schedule'] ?? 'constant';
  const s: ScheduleConfig = {
    name,
    warmupSteps: f['warmup-steps'] ?? 0,
    lrMin: f['lr-min'] ?? 0,
    stepSize: f['step-size'] ?? CONSTANT_LR.stepSize,
    gamma: f.gamma ?? CONSTANT_LR.gamma,
  };
  if (!Number.isInteger(s.warmupSteps) || s.warmupSteps < 0) throw new UsageError(`--warmup-steps must be 0 or a positive integer, got ${s.warmupSteps}`);
  if (!Number.isInteger(s.stepSize) || s.stepSize < 1) throw new UsageError(`--step-size must be a positive integer, got ${s.stepSize}`);
  if (!(s.gamma > 0)) throw new UsageError(`--gamma must be positive, got ${s.gamma}`);
  if (!(s.lrMin >= 0)) throw new UsageError(`--lr-min must be 0 or more, got ${s.lrMin}`);
  if (name === 'onecycle' && s.warmupSteps) throw new UsageError('--warmup-steps does not apply to --lr-schedule onecycle (it has its own warm-up)');
  const plain = name === 'constant' && s.warmupSteps === 0;
  return plain ? CONSTANT_LR : s;
}

/** Flags whose value must agree with a resumed checkpoint's recipe: [flag, given, had]. */
export function optimizerClashes(f: OptimizerFlags, had: { optimizer: OptimizerConfig; schedule: ScheduleConfig }): [string, unknown, unknown][] {
  const o = had.optimizer;
  const s = had.schedule;
  return [
    ['optimizer', f.optimizer, o.name],
    ['momentum', f.momentum, o.momentum],
    ['dampening', f.dampening, o.dampening],
    ['nesterov', f.nesterov, o.nesterov],
    ['weight-decay', f['weight-decay'], o.weightDecay],
    ['beta1', f.beta1, o.beta1],
    ['beta2', f.beta2, o.beta2],
    ['eps', f.eps, o.eps],
    ['lr-schedule', f['lr-schedule'], s.name],
    ['warmup-steps', f['warmup-steps'], s.warmupSteps],
    ['lr-min', f['lr-min'], s.lrMin],
    ['step-size', f['step-size'], s.stepSize],
    ['gamma', f.gamma, s.gamma],
  ];
}
