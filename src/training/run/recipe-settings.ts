// The optimizer and schedule settings of a recipe (PyTorch's names and defaults), checked and
// turned into the OptimizerConfig and ScheduleConfig the graphs and schedules take. The CLI's
// flags and the library's options both come through here.
import { allSettings, OPTIMIZERS, OptimizerConfig, OptimizerName, PLAIN_SGD } from '../graphs/optimizers/optimizer';
import { CONSTANT_LR, ScheduleConfig } from './schedules';

/** A setting out of its range, or one that does not apply; the message names settings as the caller's `name` does. */
export class SettingError extends RangeError {}

/**
 * How messages name a setting: the library's option names by default ("weightDecay"); the CLI
 * passes its flags ("--weight-decay"). The optimizer's and schedule's names are 'optimizer' and 'schedule'.
 */
export type SettingName = (setting: string) => string;
const asIs: SettingName = (s) => s;

/** An optimizer by name, with any of its settings (the others take its defaults). */
export type OptimizerSettings = { name?: OptimizerName } & Partial<Omit<OptimizerConfig, 'name'>>;

export interface ScheduleSettings {
  name?: ScheduleConfig['name'];
  warmupSteps?: number;
  lrMin?: number;
  stepSize?: number;
  gamma?: number;
}

const RANGES = {
  unit: { ok: (v: number) => v >= 0 && v < 1, says: 'must be in [0, 1)' },
  nonnegative: { ok: (v: number) => v >= 0, says: 'must be 0 or more' },
  positive: { ok: (v: number) => v > 0, says: 'must be positive' },
} as const;

/**
 * The optimizer's settings checked and completed from its declarations (optimizers/*.ts): a setting
 * it does not take is refused, the others get its defaults, and settings it does not declare keep
 * the defaults of the optimizer that does (the flat record recipes and checkpoints store).
 */
export function optimizerConfigOf(o: OptimizerSettings, label: SettingName = asIs): OptimizerConfig {
  const fail = (setting: string, rest: string) => new SettingError(`${label(setting)} ${rest}`);
  const name = o.name ?? 'sgd';
  const own = OPTIMIZERS[name].settings;
  const settings = allSettings();
  const misplaced = settings.find(([key]) => o[key] !== undefined && !own.some((s) => s.key === key));
  if (misplaced) throw fail(misplaced[0], `does not apply to ${label('optimizer')} ${name}`);
  const c = { name } as Record<string, unknown>;
  for (const [key, takers] of settings) {
    const spec = own.find((s) => s.key === key) ?? takers[0][1];
    const value = o[key] ?? spec.default;
    if (spec.range !== 'boolean' && !RANGES[spec.range].ok(value as number)) throw fail(key, `${RANGES[spec.range].says}, got ${value}`);
    c[key] = value;
  }
  const config = c as unknown as OptimizerConfig;
  const broken = OPTIMIZERS[name].check?.(config, label);
  if (broken) throw fail(...broken);
  const plain = Object.entries(PLAIN_SGD).every(([k, v]) => config[k as keyof OptimizerConfig] === v);
  return plain ? PLAIN_SGD : config;
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
