// How much memory a training step needs per sample in the batch: the largest total, over the
// step graph's nodes in order, of the batch-sized tensors alive at once (each lives from the node
// that makes it to the last node that reads it), as shape inference sees them. ONNX Runtime's
// arena holds more than that (its own allocation plan, blocks rounded up): for LeNet's batch-last
// step graph at batch 10,000 the live tensors come to 3.7 GB and the process peaked at 7.8 GB.
// (With Shape nodes as Reshape targets in the backward pass the live set was 4.8 GB, the peak 7.1 GB:
// ONNX Runtime's peak follows its own plan more than this count.)
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

/** The process itself: Node, ONNX Runtime, the data set. */
const BASE_BYTES = 0.5e9;

/** What ONNX Runtime's arena holds per byte of live tensors (measured as above: (7.8 - 0.5) / 3.7 = 1.97). */
const ARENA_FACTOR = 2.0;

/** Bytes the process is estimated to hold while it runs `step` at `batchSize`. */
export const estimatedTrainingBytes = (step: Model, batchSize: number) => BASE_BYTES + ARENA_FACTOR * bytesPerSample(step) * batchSize;
