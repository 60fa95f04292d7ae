// Learning-rate schedules: the rate of every step, from the recipe's base rate and the step's
// place in the run (0-based global step of `total`). Computed on the host and fed to the graphs
// as their lr input, so a schedule needs nothing in the graphs and nothing in the checkpoint but
// the position (epoch, step) it already holds.
export const SCHEDULE_NAMES = ['constant', 'step', 'cosine', 'onecycle'] as const;

export interface ScheduleConfig {
  name: (typeof SCHEDULE_NAMES)[number];
  /** Steps of linear warm-up from lr / warmupSteps to lr (constant, step and cosine). */
  warmupSteps: number;
  /** cosine: the rate at the end. */
  lrMin: number;
  /** step: multiply by gamma every stepSize steps (torch.optim.lr_scheduler.StepLR, counted in steps). */
  stepSize: number;
  gamma: number;
}

export const CONSTANT_LR: ScheduleConfig = { name: 'constant', warmupSteps: 0, lrMin: 0, stepSize: 1000, gamma: 0.1 };

/** Cosine annealing from `from` to `to` as `pct` goes 0 -> 1. */
const cosineFromTo = (from: number, to: number, pct: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1);

/**
 * torch.optim.lr_scheduler.OneCycleLR with its defaults (pct_start 0.3, cosine annealing,
 * div_factor 25, final_div_factor 1e4): from lr/25 up to lr over the first 30% of the steps, then
 * down to lr/25/1e4.
 */
function oneCycle(lr: number, step: number, total: number): number {
  const initial = lr / 25;
  const final = initial / 1e4;
  const peakStep = 0.3 * total - 1;
  if (step <= peakStep) return cosineFromTo(initial, lr, step / peakStep);
  return cosineFromTo(lr, final, (step - peakStep) / (total - 1 - peakStep));
}

export function learningRateAt(lr: number, s: ScheduleConfig, step: number, total: number): number {
  if (s.name === 'onecycle') return oneCycle(lr, step, total);
  if (step < s.warmupSteps) return (lr * (step + 1)) / s.warmupSteps;
  const after = step - s.warmupSteps;
  switch (s.name) {
    case 'constant':
      return lr;
    case 'step':
      return lr * s.gamma ** Math.floor(after / s.stepSize);
    case 'cosine':
      return cosineFromTo(lr, s.lrMin, Math.min(1, after / Math.max(1, total - s.warmupSteps)));
  }
}

export function describeSchedule(s: ScheduleConfig): string {
  const warmup = s.warmupSteps ? `, ${s.warmupSteps} warm-up steps` : '';
  switch (s.name) {
    case 'constant':
      return `constant lr${warmup}`;
    case 'step':
      return `lr x${s.gamma} every ${s.stepSize} steps${warmup}`;
    case 'cosine':
      return `cosine to ${s.lrMin}${warmup}`;
    case 'onecycle':
      return 'one cycle (OneCycleLR)';
  }
}
