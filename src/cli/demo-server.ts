// `npm run demo`: build the page with Vite, then serve it and the trained model on 127.0.0.1.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '../..');
export const DEMO_DIST = join(ROOT, 'demo-dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
};

export async function buildDemo(): Promise<string> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'demo/vite.config.ts'), logLevel: 'warn' });
  return DEMO_DIST;
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` and, at /lenet.onnx, the model file (read at each request, so a new training shows up). */
export async function serveDemo(dir: string, modelFile: string, port = 0): Promise<DemoServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = path === '/lenet.onnx' ? resolve(modelFile) : join(dir, normalize(path === '/' ? '/index.html' : path));
    const inside = file === resolve(modelFile) || file.startsWith(dir + sep);
    if (!inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
