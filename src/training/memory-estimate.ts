// How much memory a training step needs per sample in the batch: the largest total, over the
// step graph's nodes in order, of the batch-sized tensors alive at once (each lives from the node
// that makes it to the last node that reads it), as shape inference sees them. For LeNet at batch
// 10,000 this gives 3.4 GB; the process was measured at 3.9 GB peak RSS (about 0.4 GB of it the
// process itself).
import { BATCH_DIM } from '../graph/model-definition';
import { Model, Value } from '../graph/types';

const BYTES = { float32: 4, int64: 8, bool: 1 } as const;

const perSample = (v: Value) =>
  v.shape?.includes(BATCH_DIM) ? v.shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1) * BYTES[v.dtype] : 0;

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
export const BASE_BYTES = 0.5e9;
