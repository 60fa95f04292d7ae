// The ONLY module that imports onnxruntime-node: sessions on the CPU/CUDA/WebGPU providers.
// (The browser bundle replaces this module with web-session.ts, which has the same exports.)
import * as ort from 'onnxruntime-node';
import { deviceOutputOption, OrtSession, RuntimeError, SessionConfig } from './ort-session-core';
import { PROVIDERS } from './providers';

export { EXECUTION_PROVIDERS, isDeviceTensor, RuntimeError } from './ort-session-core';
export type { DeviceTensor, ExecutionProvider, SessionConfig } from './ort-session-core';

// Failures reach the user as RuntimeError messages; ORT's own console logging would only repeat them.
ort.env.logLevel = 'fatal';

function sessionOptions(cfg: SessionConfig): ort.InferenceSession.SessionOptions {
  const ep = cfg.ep ?? 'cpu';
  const providers = [PROVIDERS[ep].node(cfg.deviceId ?? 0) as ort.InferenceSession.ExecutionProviderConfig];
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
    // fatal only: an error is thrown with its message, and ONNX Runtime's own log line would add a second
    logSeverityLevel: 4,
    // No memory pattern: planned from the first run as one block, it held more than the arena's
    // reuse of freed tensors does (peak RSS of `train`: LeNet at batch 10,000 7,441 -> 4,391 MB,
    // the cnn at 1,000 2,786 -> 1,539 MB), and steps took as long (LeNet 15.9/15.6 ms, cnn 90.8/90.3 ms).
    enableMemPattern: false,
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
      const reason = PROVIDERS[ep].cannotStart((e as Error).message.split('\n')[0]);
      if (ep === 'cpu' || cfg.fallback !== 'cpu') throw new RuntimeError(reason);
      cfg.onFallback?.(reason);
      return RuntimeSession.create(model, { ...cfg, ep: 'cpu', fallback: undefined });
    }
  }
}
