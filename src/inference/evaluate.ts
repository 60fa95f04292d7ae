// The separate inference path: load an exported model file with ONNX Runtime and score a dataset.
import { channelsOf, Dataset, fillBatch, sampleSize, targetsPerSample } from '../data/dataset';
import { inOrder } from '../data/shuffle';
import { RuntimeError, RuntimeSession, SessionConfig } from '../runtime/session';
import type { ClassifierIo } from './load-classifier';
import { checkScores } from './scores';

export interface Evaluation {
  correct: number;
  total: number;
  accuracy: number;
  seconds: number;
  /** confusion[actual][predicted] = count. */
  confusion: number[][];
  /** Accuracy over the samples of each class. */
  perClass: number[];
  /**
   * Data with target values (Dataset.targets): the mean squared and mean absolute difference of
   * the outputs from them, over every output of every sample; accuracy is then NaN, the confusion
   * matrix and per-class accuracies empty.
   */
  errors?: { meanSquared: number; meanAbsolute: number };
}

export async function evaluateModel(
  model: ClassifierIo,
  data: Dataset,
  opts: { batchSize: number; session: SessionConfig },
): Promise<Evaluation> {
  const session = await RuntimeSession.create(model.bytes, opts.session).catch((e) => {
    throw e instanceof RuntimeError ? new RuntimeError(`${model.path}: ${e.message}`) : e;
  });
  try {
    const started = performance.now();
    const size = sampleSize(data);
    const n = data.images.count;
    const order = inOrder(n);
    const xBuf = new Float32Array(opts.batchSize * size);
    const k = targetsPerSample(data);
    const yBuf = k ? new Float32Array(opts.batchSize * k) : new BigInt64Array(opts.batchSize);
    let correct = 0;
    let squared = 0;
    let absolute = 0;
    let confusion: number[][] | undefined;
    for (let start = 0; start < n; start += opts.batchSize) {
      const count = Math.min(opts.batchSize, n - start);
      const { x, y } = fillBatch(data, order, start, count, xBuf, yBuf, model.pixels);
      const out = await session.run({
        [model.input]: { dtype: 'float32', dims: [count, ...(model.sampleDims ?? [channelsOf(data), data.images.rows, data.images.cols])], data: x },
      }, [model.output]);
      const logits = out[model.output];
      const values = logits.data as Float32Array;
      checkScores(model.path, model.output, logits.dims, values, model.classes);
      const classes = model.classes;
      if (y instanceof Float32Array) {
        for (let i = 0; i < count * classes; i++) {
          const d = values[i] - y[i];
          squared += d * d;
          absolute += Math.abs(d);
        }
        continue;
      }
      confusion ??= Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
      for (let i = 0; i < count; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (values[i * classes + c] > values[i * classes + best]) best = c;
        const actual = Number(y[i]);
        confusion[actual][best]++;
        if (best === actual) correct++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (k) return { correct: 0, total: n, accuracy: NaN, seconds, confusion: [], perClass: [], errors: { meanSquared: squared / (n * k), meanAbsolute: absolute / (n * k) } };
    const matrix = confusion ?? [];
    const perClass = matrix.map((row, c) => row[c] / Math.max(1, row.reduce((a, v) => a + v, 0)));
    return { correct, total: n, accuracy: correct / n, seconds, confusion: matrix, perClass };
  } finally {
    await session.release();
  }
}
