// The ONLY module that imports onnxruntime-web for training: the browser's RuntimeSession, with the
// same exports as session.ts. The demo's Vite build puts it in session.ts's place (resolve.alias
// in demo/vite.config.ts), so the engines, the training loop and evaluation run unchanged in a
// browser. 'cpu' is ONNX Runtime's WebAssembly provider here; 'webgpu' the browser's GPU.
import * as ort from 'onnxruntime-web/webgpu';
import { deviceOutputOption, ExecutionProvider, OrtModule, OrtSession, RuntimeError, SessionConfig } from './ort-session-core';
import { PROVIDERS } from './providers';

export { EXECUTION_PROVIDERS, isDeviceTensor, RuntimeError } from './ort-session-core';
export type { DeviceTensor, ExecutionProvider, SessionConfig } from './ort-session-core';

ort.env.logLevel = 'error';
// The package's typings declare the ambient module 'onnxruntime-web', which the 1.18 training build
// (onnxruntime-web-training) declares too, over its own onnxruntime-common: the types merge.
const webOrt = ort as unknown as OrtModule;

/** WebAssembly threads (set before the first session; more than one needs a cross-origin isolated page). */
export function useWasmThreads(threads: number): void {
  ort.env.wasm.numThreads = threads;
}

/** Whether the browser offers a WebGPU adapter (ONNX Runtime's WebGPU provider needs one). */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  return !!gpu && !!(await gpu.requestAdapter().catch(() => null));
}

export class RuntimeSession extends OrtSession {
  /** Load a model (bytes or a URL) on the chosen provider: 'cpu' = WebAssembly, or 'webgpu'. */
  static async create(model: Uint8Array | string, cfg: SessionConfig = {}): Promise<RuntimeSession> {
    const ep: ExecutionProvider = cfg.ep ?? 'cpu';
    const web = PROVIDERS[ep].web;
    if ('unavailable' in web) throw new RuntimeError(web.unavailable);
    try {
      const session = await webOrt.InferenceSession.create(model as Uint8Array, {
        ...deviceOutputOption(cfg),
        executionProviders: [web.name],
        graphOptimizationLevel: 'extended',
        logSeverityLevel: 3,
      });
      return new RuntimeSession(webOrt, session, ep);
    } catch (e) {
      const reason = `ONNX Runtime Web could not load the model on ${web.title}: ${(e as Error).message.split('\n')[0]}`;
      if (ep === 'cpu' || cfg.fallback !== 'cpu') throw new RuntimeError(reason);
      cfg.onFallback?.(reason);
      return RuntimeSession.create(model, { ...cfg, ep: 'cpu', fallback: undefined });
    }
  }
}
