// `npm run demo`: build the page with Vite, then serve it, the trained model and a slice of MNIST
// (what the page's training modes learn from) on 127.0.0.1.
// Read-only and local: GET/HEAD only, Host must name this machine (no DNS rebinding), paths that
// do not decode are a 400, and nothing outside the page folder but the model and the data is served.
// Every response is cross-origin isolated (COOP/COEP), which multi-threaded WebAssembly needs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { Dataset, firstSamples } from '../data/dataset';
import { formatImages, formatLabels } from '../data/idx-bytes';
import { PACKAGE_ROOT } from '../io/package-root';
import { DEMO_DATA_COUNTS, DEMO_DATA_PATHS } from './demo-data';
import { UsageError } from './errors';

export const DEMO_DIST = join(PACKAGE_ROOT, 'demo-dist');

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
  const configFile = join(PACKAGE_ROOT, 'demo/vite.config.ts');
  if (!existsSync(configFile)) throw new UsageError('the demo is built from the project\'s sources with Vite: run `npm run demo` in a clone of the project');
  const { build } = await import('vite');
  await build({ configFile, logLevel: 'warn' });
  return DEMO_DIST;
}

/** The served slice of MNIST as IDX bytes by path (the first DEMO_DATA_COUNTS images of each split). */
export function demoDataFiles(train: Dataset, test: Dataset): Map<string, Uint8Array> {
  const t = firstSamples(train, DEMO_DATA_COUNTS.train);
  const v = firstSamples(test, DEMO_DATA_COUNTS.test);
  return new Map([
    [`/${DEMO_DATA_PATHS.train.images}`, formatImages(t.images)],
    [`/${DEMO_DATA_PATHS.train.labels}`, formatLabels(t.labels)],
    [`/${DEMO_DATA_PATHS.test.images}`, formatImages(v.images)],
    [`/${DEMO_DATA_PATHS.test.labels}`, formatLabels(v.labels)],
  ]);
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

/** A port that is already taken, or not a port. */
export class PortError extends Error {}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
}

// Cross-origin isolation: the page may use SharedArrayBuffer, so WebAssembly can run on several threads.
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

function handle(req: IncomingMessage, res: ServerResponse, dir: string, modelFile: string, data: Map<string, Uint8Array>) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (!LOCAL_HOSTS.has(host)) return plain(res, 403, 'forbidden host');
  let path: string;
  try {
    path = decodeURIComponent((req.url ?? '/').split('?')[0]);
  } catch {
    return plain(res, 400, 'bad request');
  }
  const send = (type: string, body: () => Uint8Array) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...ISOLATED });
    res.end(req.method === 'HEAD' ? undefined : body());
  };
  const served = data.get(path);
  if (served) return send('application/octet-stream', () => served);
  const file = path === '/lenet.onnx' ? resolve(modelFile) : join(dir, normalize(path === '/' ? '/index.html' : path));
  const inside = file === resolve(modelFile) || file.startsWith(dir + sep);
  if (!inside || !existsSync(file) || !statSync(file).isFile()) return plain(res, 404, 'not found');
  send(TYPES[extname(file)] ?? 'application/octet-stream', () => readFileSync(file));
}

/** Listen on 127.0.0.1:port (0 = any free port); a taken port is a PortError. */
export async function listenLocal(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new PortError(`port ${port} on 127.0.0.1 is already in use; pick another with --port`) : e),
    );
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  return (server.address() as AddressInfo).port;
}

/** Throws PortError now if `port` is taken (the server itself listens after the page is built). */
export async function portIsFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listenLocal(probe, port);
  await new Promise<void>((r) => probe.close(() => r()));
}

/**
 * Serves `dir`, at /lenet.onnx the model file (read at each request, so a new training shows up),
 * and the data files (demoDataFiles; none: the page's training modes say they have no data).
 */
export async function serveDemo(dir: string, modelFile: string, port = 0, data: Map<string, Uint8Array> = new Map()): Promise<DemoServer> {
  const server: Server = createServer((req, res) => handle(req, res, dir, modelFile, data));
  const actual = await listenLocal(server, port);
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
