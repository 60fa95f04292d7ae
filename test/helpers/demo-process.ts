// `npm run demo` as a child process, and the Chromium flags the browser tests run it with.
import { ChildProcess } from 'node:child_process';

export const BROWSER_FLAGS = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
/** Chromium's own software WebGPU adapter (SwiftShader), headless. */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--disable-vulkan-surface'];

/** The page's URL, once the demo (built and listening) prints it; rejects if it exits first. */
export function demoUrl(demo: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    demo.stdout!.on('data', (d) => {
      out += d;
      const m = /demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    demo.stderr!.on('data', (d) => (out += d));
    demo.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${out.trim().split('\n').pop()}`)));
  });
}
