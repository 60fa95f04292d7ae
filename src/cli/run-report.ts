// Each training run's record under <artifacts>/runs/<timestamp>/: metrics.jsonl (a line per epoch,
// appended as it finishes) and report.svg (loss and accuracy curves), rewritten after every epoch.
// The report is a by-product: when it cannot be written (disk full), training goes on, with a warning.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write';
import { describeFileError, isFileError } from '../io/file-errors';
import { EpochMetrics, trainingPlotSvg } from '../report/training-plot';

export class RunReport {
  readonly dir: string;
  private readonly metrics: EpochMetrics[] = [];

  private warned = false;

  constructor(artifactsDir: string, private readonly title: string, started = new Date()) {
    this.dir = join(artifactsDir, 'runs', started.toISOString().replace(/[:.]/g, '-'));
    this.attempt(() => mkdirSync(this.dir, { recursive: true }));
  }

  private attempt(write: () => void): void {
    try {
      write();
    } catch (e) {
      if (!isFileError(e)) throw e;
      if (!this.warned) console.error(`warning: run report: ${describeFileError(e)}; training goes on without it`);
      this.warned = true;
    }
  }

  get metricsFile(): string { return join(this.dir, 'metrics.jsonl'); }
  get plotFile(): string { return join(this.dir, 'report.svg'); }

  async addEpoch(m: EpochMetrics): Promise<void> {
    this.metrics.push(m);
    this.attempt(() => appendFileSync(this.metricsFile, `${JSON.stringify(m)}\n`));
    const svg = new TextEncoder().encode(await trainingPlotSvg(this.title, this.metrics));
    this.attempt(() => writeFileAtomic(this.plotFile, svg));
  }
}
