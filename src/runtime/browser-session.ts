// The browser side of the runtime folder: onnxruntime-web (WebAssembly) for the demo page.
import * as ort from 'onnxruntime-web/wasm';

export interface BrowserClassifier {
  /** Scores for n inputs of size 28*28 each, [n * classes]. */
  run(inputs: Float32Array, n: number): Promise<{ logits: Float32Array; classes: number }>;
}

/** A classifier from a model's URL or bytes, on one WebAssembly thread (the page's main thread stays light). */
export async function loadBrowserClassifier(model: string | Uint8Array): Promise<BrowserClassifier> {
  ort.env.wasm.numThreads = 1; // works without SharedArrayBuffer, so without cross-origin isolation too
  const session = await ort.InferenceSession.create(model as Uint8Array, { executionProviders: ['wasm'] });
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  return {
    async run(inputs, n) {
      const out = await session.run({ [input]: new ort.Tensor('float32', inputs, [n, 1, 28, 28]) });
      const t = out[output];
      return { logits: t.data as Float32Array, classes: Number(t.dims[1]) };
    },
  };
}
