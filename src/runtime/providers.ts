// The execution providers, one entry each: what the flags call it, what ONNX Runtime calls it in
// Node and in a browser, which kernel table check-ep reads for it, whether it has device ids, and
// whether step outputs may stay in its memory between runs. A new provider is one entry here plus
// its kernel table in kernel-tables/. No onnxruntime import: the browser bundle and graph/ read it too.

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

export interface ProviderSpec {
  /** How people name it in messages. */
  title: string;
  /** ONNX Runtime's name in kernel tables and placement logs. */
  ortName: string;
  /** onnxruntime-node's executionProviders entry. */
  node: (deviceId: number) => string | { name: string; deviceId?: number };
  /** onnxruntime-web's executionProviders entry, or why the provider has none in a browser. */
  web: { name: string; title: string } | { unavailable: string };
  /** The kernel table check-ep reads for it, in kernel-tables/. */
  kernelTable: string;
  /** Devices are chosen by index (--device-id, --devices). */
  deviceIds: boolean;
  /** A session may leave its outputs in device memory and take them back as feeds (gpu-buffer). */
  keepsOutputsOnDevice: boolean;
  /** What to tell the user when the provider cannot start (`msg`: ONNX Runtime's first line). */
  cannotStart: (msg: string) => string;
}

export const PROVIDERS: Record<ExecutionProvider, ProviderSpec> = {
  cpu: {
    title: 'CPU',
    ortName: 'CPUExecutionProvider',
    node: () => 'cpu',
    web: { name: 'wasm', title: 'WebAssembly' },
    kernelTable: 'ort-kernels.json',
    deviceIds: false,
    keepsOutputsOnDevice: false,
    cannotStart: (msg) => `ONNX Runtime could not load the model: ${msg}`,
  },
  cuda: {
    title: 'CUDA',
    ortName: 'CUDAExecutionProvider',
    node: (deviceId) => ({ name: 'cuda', deviceId }),
    web: { unavailable: 'CUDA is not available in a browser: use webgpu or cpu (WebAssembly)' },
    kernelTable: 'ort-kernels.json',
    deviceIds: true,
    keepsOutputsOnDevice: false,
    cannotStart: (msg) =>
      /cuda|provider|libonnxruntime_providers/i.test(msg)
        ? `the CUDA execution provider is not available (${msg}). ` +
          'Install it with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` ' +
          '(needs the CUDA 12 runtime and cuDNN 9), or train with --ep cpu.'
        : `ONNX Runtime could not load the model: ${msg}`,
  },
  webgpu: {
    title: 'WebGPU',
    ortName: 'WebGpuExecutionProvider',
    node: () => 'webgpu',
    web: { name: 'webgpu', title: 'WebGPU' },
    kernelTable: 'ort-webgpu-kernels.json',
    deviceIds: false,
    keepsOutputsOnDevice: true,
    cannotStart: (msg) => `the WebGPU execution provider could not start (${msg}); train with --ep cpu.`,
  },
};

export const EXECUTION_PROVIDERS = Object.keys(PROVIDERS) as ExecutionProvider[];
