// The ONLY module that imports onnxruntime-node: sessions on the CPU/CUDA/WebGPU providers.
import * as ort from 'onnxruntime-node';
import { HostTensor } from './host-tensor';

// Failures reach the user as RuntimeError messages; ORT's own console logging would only repeat them.
ort.env.logLevel = 'fatal';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';
export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'webgpu'];

export interface SessionConfig {
  ep?: ExecutionProvider;
  deviceId?: number;
  /** Intra-op threads; 0 lets ONNX Runtime pick (one per core). */
  threads?: number;
  /** Busy-wait worker threads between ops: fastest on an idle machine, collapses under contention. */
  spinning?: boolean;
  /** When the provider cannot start: 'cpu' runs on the CPU instead (reported through onFallback). */
  fallback?: 'cpu';
  onFallback?: (reason: string) => void;
  /** Write ONNX Runtime's per-op profile (a JSON trace) to <prefix>_<date>.json when the session is released. */
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

const deviceTensors = new WeakMap<DeviceTensor, ort.Tensor>();

function wrapDevice(t: ort.Tensor): DeviceTensor {
  const wrapped: DeviceTensor = { onDevice: true, dims: [...t.dims], release: () => t.dispose() };
  deviceTensors.set(wrapped, t);
  return wrapped;
}

export const isDeviceTensor = (t: HostTensor | DeviceTensor): t is DeviceTensor => 'onDevice' in t;

/** ONNX Runtime refused a model or a run; the message is meant for the user. */
export class RuntimeError extends Error {}

function sessionOptions(cfg: SessionConfig): ort.InferenceSession.SessionOptions {
  const ep = cfg.ep ?? 'cpu';
  const providers: ort.InferenceSession.ExecutionProviderConfig[] =
    ep === 'cuda' ? [{ name: 'cuda', deviceId: cfg.deviceId ?? 0 }] : ep === 'webgpu' ? ['webgpu'] : ['cpu'];
  const spinning = cfg.spinning ?? false;
  const onDevice = ep === 'webgpu' && cfg.deviceOutputs?.length ? cfg.deviceOutputs : undefined;
  return {
    // the outputs not named stay on the host
    ...(onDevice ? { preferredOutputLocation: Object.fromEntries(onDevice.map((name) => [name, 'gpu-buffer' as const])) } : {}),
    executionProviders: providers,
    intraOpNumThreads: cfg.threads ?? 0,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // 'all' adds NCHWc layout transforms; for 28x28 images their reorders cost more than they save
    // (measured: inference 25.7k vs 19.0k images/s, a training step 20.7 vs 21.2 ms, 2 threads).
    graphOptimizationLevel: 'extended',
    logSeverityLevel: 3,
    ...(cfg.profilePrefix ? { enableProfiling: true, profileFilePrefix: cfg.profilePrefix } : {}),
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

const toOrt = (t: HostTensor): ort.Tensor =>
  t.dtype === 'bool' ? new ort.Tensor('bool', t.data as Uint8Array, t.dims) : new ort.Tensor(t.dtype, t.data as never, t.dims);

function fromOrt(t: ort.Tensor): HostTensor {
  const dims = [...t.dims];
  switch (t.type) {
    case 'float32': return { dtype: 'float32', dims, data: t.data as Float32Array };
    case 'int64': return { dtype: 'int64', dims, data: t.data as BigInt64Array };
    case 'bool': return { dtype: 'bool', dims, data: t.data as Uint8Array };
    default: throw new RuntimeError(`unsupported output type ${t.type}`);
  }
}

export class RuntimeSession {
  private constructor(private readonly session: ort.InferenceSession, readonly ep: ExecutionProvider) {}

  /** Load a model (bytes or a file path) on the chosen execution provider. */
  static async create(model: Uint8Array | string, cfg: SessionConfig = {}): Promise<RuntimeSession> {
    const ep = cfg.ep ?? 'cpu';
    try {
      return new RuntimeSession(await ort.InferenceSession.create(model as Uint8Array, sessionOptions(cfg)), ep);
    } catch (e) {
      const reason = describeLoadFailure(e as Error, ep);
      if (ep === 'cpu' || cfg.fallback !== 'cpu') throw new RuntimeError(reason);
      cfg.onFallback?.(reason);
      return RuntimeSession.create(model, { ...cfg, ep: 'cpu', fallback: undefined });
    }
  }

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
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      if (!isDeviceTensor(t)) ortFeeds[name] = toOrt(t);
      else if (this.ep === 'webgpu') ortFeeds[name] = deviceTensors.get(t)!;
      else throw new RuntimeError(`feed '${name}' is in GPU memory, but this session runs on ${this.ep}`);
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await (outputs ? this.session.run(ortFeeds, [...outputs]) : this.session.run(ortFeeds));
    } catch (e) {
      throw new RuntimeError(`ONNX Runtime run failed: ${(e as Error).message}`);
    }
    const out: Record<string, HostTensor | DeviceTensor> = {};
    for (const [name, t] of Object.entries(results)) out[name] = t.location === 'gpu-buffer' ? wrapDevice(t) : fromOrt(t);
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function describeLoadFailure(e: Error, ep: ExecutionProvider): string {
  const msg = e.message.split('\n')[0];
  if (ep === 'cuda' && /cuda|provider|libonnxruntime_providers/i.test(msg)) {
    return (
      `the CUDA execution provider is not available (${msg}). ` +
      'Install it with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` ' +
        '(needs the CUDA 12 runtime and cuDNN 9), ' +
      'or train with --ep cpu.'
    );
  }
  if (ep === 'webgpu') return `the WebGPU execution provider could not start (${msg}); train with --ep cpu.`;
  return `ONNX Runtime could not load the model: ${msg}`;
}
