// Each training run's record under <artifacts>/runs/<timestamp>/: metrics.jsonl (a line per epoch,
// appended as it finishes) and report.svg (loss and accuracy curves), rewritten after every epoch.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write';
import { EpochMetrics, trainingPlotSvg } from '../report/training-plot';

export class RunReport {
  readonly dir: string;
  private readonly metrics: EpochMetrics[] = [];

  constructor(artifactsDir: string, private readonly title: string, started = new Date()) {
    this.dir = join(artifactsDir, 'runs', started.toISOString().replace(/[:.]/g, '-'));
    mkdirSync(this.dir, { recursive: true });
  }

  get metricsFile(): string { return join(this.dir, 'metrics.jsonl'); }
  get plotFile(): string { return join(this.dir, 'report.svg'); }

  async addEpoch(m: EpochMetrics): Promise<void> {
    this.metrics.push(m);
    appendFileSync(this.metricsFile, `${JSON.stringify(m)}\n`);
    writeFileAtomic(this.plotFile, new TextEncoder().encode(await trainingPlotSvg(this.title, this.metrics)));
  }
}
