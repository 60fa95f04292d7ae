import { defineConfig } from 'vite';

// Built by `npm run demo` (src/cli/demo-server.ts); the trained model is served beside the page.
export default defineConfig({
  root: __dirname,
  base: './',
  build: { outDir: '../demo-dist', emptyOutDir: true, target: 'es2022' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  logLevel: 'warn',
});
