// What onnxruntime-node and onnxruntime-web share (both are onnxruntime-common underneath): one
// session class over either package. session.ts binds it to onnxruntime-node, web-session.ts to
// onnxruntime-web; the browser bundle swaps the first for the second, so the training code above
// them is the same in Node and in a browser.
import type * as OrtCommon from 'onnxruntime-common';
import { HostTensor } from './host-tensor';
import { ExecutionProvider, PROVIDERS } from './providers';

export type OrtModule = Pick<typeof OrtCommon, 'InferenceSession' | 'Tensor'>;

export type { ExecutionProvider } from './providers';
export { EXECUTION_PROVIDERS } from './providers';

export interface SessionConfig {
  /** 'cpu' is WebAssembly in a browser. */
  ep?: ExecutionProvider;
  deviceId?: number;
  /** Intra-op threads; 0 lets ONNX Runtime pick (one per core). In a browser: WebAssembly threads, set once per page. */
  threads?: number;
  /** Busy-wait worker threads between ops: fastest on an idle machine, collapses under contention (Node only). */
  spinning?: boolean;
  /** When the provider cannot start: 'cpu' runs on the CPU instead (reported through onFallback). */
  fallback?: 'cpu';
  onFallback?: (reason: string) => void;
  /** Write ONNX Runtime's per-op profile (a JSON trace) to <prefix>_<date>.json when the session is released (Node only). */
  profilePrefix?: string;
  /**
   * Outputs to leave in GPU memory (WebGPU only; ignored elsewhere): run() returns them as
   * DeviceTensors, which later runs of WebGPU sessions take as feeds without a copy.
   */
  deviceOutputs?: readonly string[];
}

/**
 * A tensor left in GPU memory by a WebGPU session. Feed it to WebGPU sessions only (a CPU session
 * would read the handle as data); read it back with a WebGPU session whose outputs are on the
 * host; release() frees the GPU buffer.
 */
export interface DeviceTensor {
  readonly onDevice: true;
  readonly dims: readonly number[];
  release(): void;
}

const deviceTensors = new WeakMap<DeviceTensor, OrtCommon.Tensor>();

function wrapDevice(t: OrtCommon.Tensor): DeviceTensor {
  const wrapped: DeviceTensor = { onDevice: true, dims: [...t.dims], release: () => t.dispose() };
  deviceTensors.set(wrapped, t);
  return wrapped;
}

export const isDeviceTensor = (t: HostTensor | DeviceTensor): t is DeviceTensor => 'onDevice' in t;

/** ONNX Runtime refused a model or a run; the message is meant for the user. */
export class RuntimeError extends Error {}

function fromOrt(t: OrtCommon.Tensor): HostTensor {
  const dims = [...t.dims];
  switch (t.type) {
    case 'float32': return { dtype: 'float32', dims, data: t.data as Float32Array };
    case 'int64': return { dtype: 'int64', dims, data: t.data as BigInt64Array };
    case 'bool': return { dtype: 'bool', dims, data: t.data as Uint8Array };
    default: throw new RuntimeError(`unsupported output type ${t.type}`);
  }
}

/** One loaded model on one execution provider, over whichever ONNX Runtime package made it. */
export class OrtSession {
  protected constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtCommon.InferenceSession,
    readonly ep: ExecutionProvider,
  ) {}

  get inputNames(): readonly string[] { return this.session.inputNames; }
  get outputNames(): readonly string[] { return this.session.outputNames; }

  /** Runs the model; `outputs` names the outputs wanted (default: all; the others are not copied out). */
  async run(feeds: Record<string, HostTensor | DeviceTensor>, outputs?: readonly string[]): Promise<Record<string, HostTensor>> {
    const out = await this.runKeeping(feeds, outputs);
    const host: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(out)) {
      if (isDeviceTensor(t)) throw new RuntimeError(`output '${name}' is on the device: use runKeeping()`);
      host[name] = t;
    }
    return host;
  }

  /** run(), where the session's deviceOutputs come back as DeviceTensors. */
  async runKeeping(feeds: Record<string, HostTensor | DeviceTensor>, outputs?: readonly string[]): Promise<Record<string, HostTensor | DeviceTensor>> {
    const ortFeeds: Record<string, OrtCommon.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      if (!isDeviceTensor(t)) ortFeeds[name] = new this.ort.Tensor(t.dtype, t.data as never, t.dims);
      else if (PROVIDERS[this.ep].keepsOutputsOnDevice) ortFeeds[name] = deviceTensors.get(t)!;
      else throw new RuntimeError(`feed '${name}' is in GPU memory, but this session runs on ${this.ep}`);
    }
    let results: OrtCommon.InferenceSession.ReturnType;
    try {
      results = await (outputs ? this.session.run(ortFeeds, [...outputs]) : this.session.run(ortFeeds));
    } catch (e) {
      throw new RuntimeError(`ONNX Runtime run failed: ${(e as Error).message.trim().replace(/\s*\n\s*/g, ' ')}`); // ORT's status ends with a line break
    }
    const out: Record<string, HostTensor | DeviceTensor> = {};
    for (const [name, t] of Object.entries(results)) out[name] = t.location === 'gpu-buffer' ? wrapDevice(t) : fromOrt(t);
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The outputs to keep in GPU memory, as ONNX Runtime's session option (none where the provider cannot). */
export function deviceOutputOption(cfg: SessionConfig): { preferredOutputLocation?: Record<string, 'gpu-buffer'> } {
  const onDevice = PROVIDERS[cfg.ep ?? 'cpu'].keepsOutputsOnDevice && cfg.deviceOutputs?.length ? cfg.deviceOutputs : undefined;
  return onDevice ? { preferredOutputLocation: Object.fromEntries(onDevice.map((name) => [name, 'gpu-buffer' as const])) } : {};
}
