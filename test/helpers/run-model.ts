// Test helper: encode an IR model and run it once on ONNX Runtime (CPU, 1 thread: deterministic).
import { Graph, Model } from '../../src/graph/types';
import { IR_VERSION, OPSET, PRODUCER } from '../../src/graph/model-definition';
import { encodeModel } from '../../src/onnx/encode';
import { HostTensor } from '../../src/runtime/host-tensor';
import { RuntimeSession } from '../../src/runtime/session';

export const asModel = (graph: Graph): Model => ({
  graph,
  opsets: { '': OPSET },
  irVersion: IR_VERSION,
  producerName: PRODUCER.name,
  producerVersion: PRODUCER.version,
});

export async function openSession(model: Model | Uint8Array): Promise<RuntimeSession> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  return RuntimeSession.create(bytes, { threads: 1 });
}

export async function runOnce(model: Model | Uint8Array, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const s = await openSession(model);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

/** Deterministic pseudo-random floats in [lo, hi) (a small LCG: tests only). */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

export const f32 = (dims: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', dims, data });
export const i64 = (dims: number[], values: number[]): HostTensor => ({
  dtype: 'int64',
  dims,
  data: BigInt64Array.from(values.map(BigInt)),
});
