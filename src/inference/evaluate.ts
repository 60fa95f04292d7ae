// The separate inference path: load an exported model file with ONNX Runtime and score a dataset.
import { Dataset, fillBatch, sampleSize } from '../data/dataset';
import { inOrder } from '../data/shuffle';
import { RuntimeError, RuntimeSession, SessionConfig } from '../runtime/session';
import { INFERENCE_IO } from './inference-graph';

export interface Evaluation {
  correct: number;
  total: number;
  accuracy: number;
  seconds: number;
}

export async function evaluateModel(
  model: Uint8Array | string,
  data: Dataset,
  opts: { batchSize: number; session: SessionConfig },
): Promise<Evaluation> {
  const session = await RuntimeSession.create(model, opts.session);
  try {
    if (!session.inputNames.includes(INFERENCE_IO.input) || !session.outputNames.includes(INFERENCE_IO.logits)) {
      throw new RuntimeError(
        `model has inputs [${session.inputNames}] and outputs [${session.outputNames}]; expected input ` +
          `'${INFERENCE_IO.input}' [N,1,28,28] and output '${INFERENCE_IO.logits}' (a model exported by train)`,
      );
    }
    const started = performance.now();
    const size = sampleSize(data);
    const n = data.images.count;
    const order = inOrder(n);
    const xBuf = new Float32Array(opts.batchSize * size);
    const yBuf = new BigInt64Array(opts.batchSize);
    let correct = 0;
    for (let start = 0; start < n; start += opts.batchSize) {
      const count = Math.min(opts.batchSize, n - start);
      const { x, y } = fillBatch(data, order, start, count, xBuf, yBuf);
      const out = await session.run({
        [INFERENCE_IO.input]: { dtype: 'float32', dims: [count, 1, data.images.rows, data.images.cols], data: x },
      });
      const logits = out[INFERENCE_IO.logits];
      const classes = logits.dims[1];
      const values = logits.data as Float32Array;
      for (let i = 0; i < count; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (values[i * classes + c] > values[i * classes + best]) best = c;
        if (BigInt(best) === y[i]) correct++;
      }
    }
    return { correct, total: n, accuracy: correct / n, seconds: (performance.now() - started) / 1000 };
  } finally {
    await session.release();
  }
}
