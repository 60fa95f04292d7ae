// The ONLY module that imports onnxruntime-node: sessions on the CPU/CUDA/WebGPU providers.
// (The browser bundle replaces this module with web-session.ts, which has the same exports.)
import * as ort from 'onnxruntime-node';
import { deviceOutputOption, ExecutionProvider, OrtSession, RuntimeError, SessionConfig } from './ort-session-core';

export { EXECUTION_PROVIDERS, isDeviceTensor, RuntimeError } from './ort-session-core';
export type { DeviceTensor, ExecutionProvider, SessionConfig } from './ort-session-core';

// Failures reach the user as RuntimeError messages; ORT's own console logging would only repeat them.
ort.env.logLevel = 'fatal';

function sessionOptions(cfg: SessionConfig): ort.InferenceSession.SessionOptions {
  const ep = cfg.ep ?? 'cpu';
  const providers: ort.InferenceSession.ExecutionProviderConfig[] =
    ep === 'cuda' ? [{ name: 'cuda', deviceId: cfg.deviceId ?? 0 }] : ep === 'webgpu' ? ['webgpu'] : ['cpu'];
  const spinning = cfg.spinning ?? false;
  return {
    // the outputs not named stay on the host
    ...deviceOutputOption(cfg),
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

export class RuntimeSession extends OrtSession {
  /** Load a model (bytes or a file path) on the chosen execution provider. */
  static async create(model: Uint8Array | string, cfg: SessionConfig = {}): Promise<RuntimeSession> {
    const ep = cfg.ep ?? 'cpu';
    try {
      return new RuntimeSession(ort, await ort.InferenceSession.create(model as Uint8Array, sessionOptions(cfg)), ep);
    } catch (e) {
      const reason = describeLoadFailure(e as Error, ep);
      if (ep === 'cpu' || cfg.fallback !== 'cpu') throw new RuntimeError(reason);
      cfg.onFallback?.(reason);
      return RuntimeSession.create(model, { ...cfg, ep: 'cpu', fallback: undefined });
    }
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
