// The optimizer and learning-rate schedule flags of `train` (PyTorch's names and defaults), turned
// into the recipe's OptimizerConfig and ScheduleConfig, with their checks.
import type { Options } from 'yargs';
import { allSettings, OPTIMIZERS, OptimizerConfig, OptimizerName, SettingKey } from '../training/graphs/optimizers/optimizer';
import { optimizerConfigOf, scheduleConfigOf, SettingError } from '../training/run/recipe-settings';
import { SCHEDULE_NAMES, ScheduleConfig } from '../training/run/schedules';
import { UsageError } from './errors';

/** The flag of a setting: weightDecay -> --weight-decay, schedule -> --lr-schedule. */
const flagOf = (setting: string) => (setting === 'schedule' ? '--lr-schedule' : `--${kebab(setting)}`);
const kebab = (setting: string) => setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A setting's flag, from the optimizers that declare it: "sgd, adam: L2 penalty ... (default 0); adamw: ...". */
function settingFlag([key, takers]: ReturnType<typeof allSettings>[number]): [string, Options] {
  const byMeaning = new Map<string, string[]>();
  for (const [name, spec] of takers) {
    const meaning = `${spec.help} (default ${spec.default})`;
    byMeaning.set(meaning, [...(byMeaning.get(meaning) ?? []), name]);
  }
  const describe = [...byMeaning].map(([meaning, names]) => `${names.join(', ')}: ${meaning}`).join('; ');
  return [kebab(key), { type: takers[0][1].range === 'boolean' ? 'boolean' : 'number', describe }];
}

// No yargs defaults: with --resume an explicit flag is checked against the checkpoint.
export const optimizerOptions = {
  optimizer: { choices: Object.keys(OPTIMIZERS) as OptimizerName[], describe: `${Object.keys(OPTIMIZERS).join(', ')} (torch.optim semantics; default sgd)` },
  ...(Object.fromEntries(allSettings().map(settingFlag)) as SettingFlags),
  'lr-schedule': { choices: SCHEDULE_NAMES, describe: 'constant (default), step, cosine or onecycle, per step' },
  'warmup-steps': { type: 'number', describe: 'linear warm-up steps before the schedule (constant, step, cosine)' },
  'lr-min': { type: 'number', describe: 'cosine: the rate at the end (default 0)' },
  'step-size': { type: 'number', describe: 'step: steps between rate drops (default 1000)' },
  gamma: { type: 'number', describe: 'step: factor of each drop (default 0.1)' },
} as const satisfies Record<string, Options>;

/** The optimizer flags, by flag name (--weight-decay for weightDecay), and the schedule's. */
export type OptimizerFlags = { optimizer?: OptimizerName } & { [K in SettingKey as KebabCase<K>]?: OptimizerConfig[K] } & {
  'lr-schedule'?: ScheduleConfig['name'];
  'warmup-steps'?: number;
  'lr-min'?: number;
  'step-size'?: number;
  gamma?: number;
};
type KebabCase<S extends string> = S extends `${infer A}${infer B}` ? `${A extends Lowercase<A> ? A : `-${Lowercase<A>}`}${KebabCase<B>}` : S;
type SettingFlags = { [K in SettingKey as KebabCase<K>]: { type: OptimizerConfig[K] extends boolean ? 'boolean' : 'number'; describe: string } };

/** A setting's error as a usage error (one line, exit 2). */
function asUsage<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw e instanceof SettingError ? new UsageError(e.message) : e;
  }
}

/** The optimizer settings the flags give, by setting name. */
const givenSettings = (f: OptimizerFlags) => Object.fromEntries(allSettings().map(([key]) => [key, (f as Record<string, unknown>)[kebab(key)]]));

export function optimizerFromFlags(f: OptimizerFlags): OptimizerConfig {
  return asUsage(() => optimizerConfigOf({ name: f.optimizer, ...givenSettings(f) }, flagOf));
}

export function scheduleFromFlags(f: OptimizerFlags): ScheduleConfig {
  return asUsage(() => scheduleConfigOf({ name: f['lr-schedule'], warmupSteps: f['warmup-steps'], lrMin: f['lr-min'], stepSize: f['step-size'], gamma: f.gamma }, flagOf));
}

/** Flags whose value must agree with a resumed checkpoint's recipe: [flag, given, had]. */
export function optimizerClashes(f: OptimizerFlags, had: { optimizer: OptimizerConfig; schedule: ScheduleConfig }): [string, unknown, unknown][] {
  const given = givenSettings(f);
  const s = had.schedule;
  return [
    ['optimizer', f.optimizer, had.optimizer.name],
    ...allSettings().map(([key]): [string, unknown, unknown] => [kebab(key), given[key], had.optimizer[key]]),
    ['lr-schedule', f['lr-schedule'], s.name],
    ['warmup-steps', f['warmup-steps'], s.warmupSteps],
    ['lr-min', f['lr-min'], s.lrMin],
    ['step-size', f['step-size'], s.stepSize],
    ['gamma', f.gamma, s.gamma],
  ];
}
