// The median the benchmarks report (the upper middle value of an even count); NaN for none.
export const median = (xs: readonly number[] = []): number => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
