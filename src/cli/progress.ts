// Progress bars on stderr (drawn only on a terminal), built on cli-progress.
import { Presets, SingleBar } from 'cli-progress';

export interface Bar {
  update(done: number, payload?: Record<string, string>): void;
  stop(): void;
}

export function progressBar(label: string, total: number, unit = '', enabled = true): Bar {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total}${unit} {info}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update: (done, payload) => bar.update(done, { info: payload?.info ?? '' }),
    stop: () => bar.stop(),
  };
}
