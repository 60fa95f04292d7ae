// The optimizer and schedule settings of a recipe (PyTorch's names and defaults), checked and
// turned into the OptimizerConfig and ScheduleConfig the graphs and schedules take. The CLI's
// flags and the library's options both come through here.
import { OptimizerConfig, OptimizerName, PLAIN_SGD } from '../graphs/optimizers/optimizer';
import { CONSTANT_LR, ScheduleConfig } from './schedules';

/** A setting out of its range, or one that does not apply; the message names settings as the caller's `name` does. */
export class SettingError extends RangeError {}

/**
 * How messages name a setting: the library's option names by default ("weightDecay"); the CLI
 * passes its flags ("--weight-decay"). The optimizer's and schedule's names are 'optimizer' and 'schedule'.
 */
export type SettingName = (setting: string) => string;
const asIs: SettingName = (s) => s;

export interface OptimizerSettings {
  name?: OptimizerName;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface ScheduleSettings {
  name?: ScheduleConfig['name'];
  warmupSteps?: number;
  lrMin?: number;
  stepSize?: number;
  gamma?: number;
}

const SGD_ONLY = ['momentum', 'dampening', 'nesterov'] as const;
const ADAM_ONLY = ['beta1', 'beta2', 'eps'] as const;

export function optimizerConfigOf(o: OptimizerSettings, label: SettingName = asIs): OptimizerConfig {
  const fail = (setting: string, rest: string) => new SettingError(`${label(setting)} ${rest}`);
  const name = o.name ?? 'sgd';
  const misplaced = (name === 'sgd' ? ADAM_ONLY : SGD_ONLY).find((k) => o[k] !== undefined);
  if (misplaced) throw fail(misplaced, `does not apply to ${label('optimizer')} ${name}`);
  const c: OptimizerConfig = {
    name,
    momentum: o.momentum ?? 0,
    dampening: o.dampening ?? 0,
    nesterov: o.nesterov ?? false,
    weightDecay: o.weightDecay ?? (name === 'adamw' ? 0.01 : 0),
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    eps: o.eps ?? 1e-8,
  };
  for (const k of ['momentum', 'dampening', 'beta1', 'beta2'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw fail(k, `must be in [0, 1), got ${c[k]}`);
  }
  if (!(c.weightDecay >= 0)) throw fail('weightDecay', `must be 0 or more, got ${c.weightDecay}`);
  if (!(c.eps > 0)) throw fail('eps', `must be positive, got ${c.eps}`);
  if (c.nesterov && (c.momentum === 0 || c.dampening !== 0)) throw fail('nesterov', `needs ${label('momentum')} above 0 and no ${label('dampening')} (as in torch.optim.SGD)`);
  const plain = Object.entries(PLAIN_SGD).every(([k, v]) => c[k as keyof OptimizerConfig] === v);
  return plain ? PLAIN_SGD : c;
}

export function scheduleConfigOf(o: ScheduleSettings, label: SettingName = asIs): ScheduleConfig {
  const fail = (setting: string, rest: string) => new SettingError(`${label(setting)} ${rest}`);
  const name = o.name ?? 'constant';
  const s: ScheduleConfig = {
    name,
    warmupSteps: o.warmupSteps ?? 0,
    lrMin: o.lrMin ?? 0,
    stepSize: o.stepSize ?? CONSTANT_LR.stepSize,
    gamma: o.gamma ?? CONSTANT_LR.gamma,
  };
  if (!Number.isInteger(s.warmupSteps) || s.warmupSteps < 0) throw fail('warmupSteps', `must be 0 or a positive integer, got ${s.warmupSteps}`);
  if (!Number.isInteger(s.stepSize) || s.stepSize < 1) throw fail('stepSize', `must be a positive integer, got ${s.stepSize}`);
  if (!(s.gamma > 0)) throw fail('gamma', `must be positive, got ${s.gamma}`);
  if (!(s.lrMin >= 0)) throw fail('lrMin', `must be 0 or more, got ${s.lrMin}`);
  if (name === 'onecycle' && s.warmupSteps) throw fail('warmupSteps', `does not apply to ${label('schedule')} onecycle (it has its own warm-up)`);
  const plain = name === 'constant' && s.warmupSteps === 0;
  return plain ? CONSTANT_LR : s;
}
