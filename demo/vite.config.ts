import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built by `npm run demo` (src/cli/demo-server.ts); the trained model and MNIST are served beside the page.
// The training worker runs the library's train(): here ONNX Runtime Web (src/runtime/web-session.ts)
// takes the place of the Node runtime (src/runtime/session.ts), the only module that differs.
const webRuntime = fileURLToPath(new URL('../src/runtime/web-session.ts', import.meta.url));
const runtimeSwap = { find: /^(\.\.?\/)+(src\/)?runtime\/session$/, replacement: webRuntime };

export default defineConfig({
  root: __dirname,
  base: './',
  build: { outDir: '../demo-dist', emptyOutDir: true, target: 'es2022' },
  resolve: { alias: [runtimeSwap] },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  logLevel: 'warn',
});
