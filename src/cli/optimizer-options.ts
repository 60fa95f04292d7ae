// The optimizer and learning-rate schedule flags of `train` (PyTorch's names and defaults), turned
// into the recipe's OptimizerConfig and ScheduleConfig, with their checks.
import type { Options } from 'yargs';
import { OPTIMIZERS, OptimizerConfig, OptimizerName } from '../training/graphs/optimizers/optimizer';
import { optimizerConfigOf, scheduleConfigOf, SettingError } from '../training/run/recipe-settings';
import { SCHEDULE_NAMES, ScheduleConfig } from '../training/run/schedules';
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

/** PyTorch's default learning rate for Adam and AdamW. */
export const ADAM_LEARNING_RATE = 0.001;

/** The flag of a setting: weightDecay -> --weight-decay, schedule -> --lr-schedule. */
const flagOf = (setting: string) => (setting === 'schedule' ? '--lr-schedule' : `--${setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);

/** A setting's error as a usage error (one line, exit 2). */
function asUsage<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw e instanceof SettingError ? new UsageError(e.message) : e;
  }
}

export function optimizerFromFlags(f: OptimizerFlags): OptimizerConfig {
  const settings = { name: f.optimizer, momentum: f.momentum, dampening: f.dampening, nesterov: f.nesterov, weightDecay: f['weight-decay'], beta1: f.beta1, beta2: f.beta2, eps: f.eps };
  return asUsage(() => optimizerConfigOf(settings, flagOf));
}

export function scheduleFromFlags(f: OptimizerFlags): ScheduleConfig {
  return asUsage(() => scheduleConfigOf({ name: f['lr-schedule'], warmupSteps: f['warmup-steps'], lrMin: f['lr-min'], stepSize: f['step-size'], gamma: f.gamma }, flagOf));
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
