// The demo server answers bad requests without dying: undecodable paths (400), writes (405),
// foreign Host headers (403: a DNS-rebinding page cannot read the model), paths outside the page
// (404); a taken port or a bad --port is one line and exit 2, before the page is built.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoServer, PortError, serveDemo } from '../../src/cli/demo-server';
import { cli } from '../helpers/cli';

let dir: string;
let server: DemoServer;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-demo-server-'));
  mkdirSync(join(dir, 'page'));
  writeFileSync(join(dir, 'page', 'index.html'), '<p>page</p>');
  writeFileSync(join(dir, 'model.onnx'), 'model bytes');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  server = await serveDemo(join(dir, 'page'), join(dir, 'model.onnx'), 0);
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, o: { method?: string; host?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.host ? { host: o.host } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the page and the model are served', async () => {
  expect(await get('/')).toEqual({ status: 200, body: '<p>page</p>' });
  expect(await get('/lenet.onnx')).toEqual({ status: 200, body: 'model bytes' });
  expect((await get('/lenet.onnx', { host: `localhost:${port}` })).status).toBe(200);
});

test('a path that does not decode is a 400, and the server keeps serving', async () => {
  expect((await get('/%')).status).toBe(400);
  expect((await get('/%E0%A4%A')).status).toBe(400);
  expect((await get('/')).status).toBe(200);
});

test('POST, PUT and DELETE are refused with 405', async () => {
  for (const method of ['POST', 'PUT', 'DELETE']) expect((await get('/lenet.onnx', { method })).status).toBe(405);
});

test('a foreign Host header (DNS rebinding) gets 403, not the model', async () => {
  expect(await get('/lenet.onnx', { host: `evil.example:${port}` })).toEqual({ status: 403, body: 'forbidden host' });
});

test('nothing outside the page folder but the model', async () => {
  expect((await get('/../secret.txt')).status).toBe(404);
  expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
});

test('a taken port is a PortError; the CLI says so in one line before building the page', async () => {
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  const takenPort = (taken.address() as AddressInfo).port;
  try {
    await expect(serveDemo(join(dir, 'page'), join(dir, 'model.onnx'), takenPort)).rejects.toBeInstanceOf(PortError);
    expect(cli('build-model', '--artifacts', dir).code).toBe(0);
    const r = cli('demo', '--model-file', join(dir, 'lenet.init.onnx'), '--port', String(takenPort));
    expect(r.err).toBe(`error: port ${takenPort} on 127.0.0.1 is already in use; pick another with --port\n`);
    expect(r.code).toBe(2);
  } finally {
    await new Promise<void>((r) => taken.close(() => r()));
  }
});

test.each(['-1', '70000', '1.5'])('--port %s is refused in one line', (p) => {
  const r = cli('demo', '--port', p);
  expect(r.err).toMatch(/^error: --port must be an integer from 0 to 65535, got -?[\d.]+\n$/);
  expect(r.code).toBe(2);
});
