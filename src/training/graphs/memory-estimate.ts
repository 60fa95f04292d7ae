// How much memory a training step needs per sample in the batch: the largest total, over the
// step graph's nodes in order, of the batch-sized tensors alive at once (each lives from the node
// that makes it to the last node that reads it), as shape inference sees them. ONNX Runtime's
// arena holds more than that (its own execution order, blocks rounded up, freed blocks split and
// reused): measured without a memory pattern (runtime/session.ts), the peak RSS of `train` over
// these live bytes came to 0.86-1.16 for LeNet at batches of 1,000-20,000, and for the cnn 1.0 at
// 1,000 but 1.39 at 3,000 and 1.76 at 5,000 (its arena grows faster than the batch).
import { BATCH_DIM } from '../../graph/model-definition';
import { symbolic } from '../../graph/shape-inference';
import { Model, Value } from '../../graph/types';

const BYTES = { float32: 4, int64: 8, bool: 1 } as const;

/** Bytes per sample of a tensor with a batch-sized dim (N, or k*N where the batch was folded into another axis). */
const perSample = (v: Value) => {
  const dims = v.shape?.map(symbolic);
  if (!dims?.some((d) => d.symbol === BATCH_DIM)) return 0;
  return dims.reduce((n, d) => n * (d.symbol === undefined || d.symbol === BATCH_DIM ? d.coef : 1), 1) * BYTES[v.dtype];
};

export function bytesPerSample(step: Model): number {
  const nodes = step.graph.nodes;
  const lastUse = new Map<string, number>();
  nodes.forEach((n, i) => n.inputs.forEach((v) => v && lastUse.set(v.name, i)));
  for (const v of step.graph.outputs) lastUse.set(v.name, nodes.length);
  const dying: number[] = new Array(nodes.length + 1).fill(0);
  let live = 0;
  let peak = 0;
  nodes.forEach((n, i) => {
    for (const v of n.outputs) {
      live += perSample(v);
      dying[lastUse.get(v.name) ?? i] += perSample(v);
    }
    peak = Math.max(peak, live);
    live -= dying[i];
  });
  return peak;
}

/** The process itself: Node, ONNX Runtime, the data set (LeNet at batch 100: 387 MB). */
const BASE_BYTES = 0.35e9;

/** What ONNX Runtime's arena holds per byte of live tensors: high enough that no batch measured above is underestimated by more than 10%. */
const ARENA_FACTOR = 1.6;

/** Bytes the process is estimated to hold while it runs `step` at `batchSize`. */
export const estimatedTrainingBytes = (step: Model, batchSize: number) => BASE_BYTES + ARENA_FACTOR * bytesPerSample(step) * batchSize;
