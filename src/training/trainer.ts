// The training loop: feed (parameters, batch, lr) to the step graph, take the updated parameters
// back, repeat. One session, reusable batch buffers, a seeded shuffle per epoch.
import { Dataset, fillBatch, sampleSize } from '../data/dataset';
import { epochOrder } from '../data/shuffle';
import { ModelDefinition } from '../graph/model-definition';
import { HostTensor } from '../runtime/host-tensor';
import { RuntimeSession, SessionConfig } from '../runtime/session';
import { ParamValues } from './init';
import { STEP_INPUTS, STEP_OUTPUTS, updatedName } from './step-graph';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the per-epoch shuffle. */
  seed: number;
  session: SessionConfig;
}

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainHooks {
  onBatch?: (done: number, total: number, meanLoss: number) => void;
  onEpoch?: (report: EpochReport) => void;
}

export interface TrainResult {
  params: ParamValues;
  epochs: EpochReport[];
}

export async function train(
  def: ModelDefinition,
  stepModel: Uint8Array | string,
  init: ParamValues,
  data: Dataset,
  cfg: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const session = await RuntimeSession.create(stepModel, cfg.session);
  try {
    const feeds: Record<string, HostTensor> = {};
    for (const p of def.params) feeds[p.name] = { dtype: 'float32', dims: p.dims, data: init.get(p.name)! };
    feeds[STEP_INPUTS.learningRate] = { dtype: 'float32', dims: [], data: Float32Array.of(cfg.learningRate) };
    const size = sampleSize(data);
    const xBuf = new Float32Array(cfg.batchSize * size);
    const yBuf = new BigInt64Array(cfg.batchSize);
    const n = data.images.count;
    const reports: EpochReport[] = [];

    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const started = performance.now();
      const order = epochOrder(n, cfg.seed, epoch);
      let lossSum = 0;
      let correct = 0;
      for (let start = 0; start < n; start += cfg.batchSize) {
        const count = Math.min(cfg.batchSize, n - start);
        const { x, y } = fillBatch(data, order, start, count, xBuf, yBuf);
        feeds[STEP_INPUTS.images] = { dtype: 'float32', dims: [count, ...def.sampleDims], data: x };
        feeds[STEP_INPUTS.labels] = { dtype: 'int64', dims: [count], data: y };
        const out = await session.run(feeds);
        for (const p of def.params) feeds[p.name] = out[updatedName(p.name)];
        lossSum += (out[STEP_OUTPUTS.loss].data as Float32Array)[0] * count;
        correct += Number((out[STEP_OUTPUTS.correct].data as BigInt64Array)[0]);
        hooks.onBatch?.(start + count, n, lossSum / (start + count));
      }
      const seconds = (performance.now() - started) / 1000;
      const report: EpochReport = {
        epoch: epoch + 1,
        epochs: cfg.epochs,
        loss: lossSum / n,
        accuracy: correct / n,
        samples: n,
        seconds,
        samplesPerSecond: n / seconds,
      };
      reports.push(report);
      hooks.onEpoch?.(report);
    }
    const params: ParamValues = new Map(def.params.map((p) => [p.name, feeds[p.name].data as Float32Array]));
    return { params, epochs: reports };
  } finally {
    await session.release();
  }
}
