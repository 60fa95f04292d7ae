// A demo page to test in: a LeNet trained briefly into a temporary folder, `npm run demo` serving
// it (and MNIST) on 127.0.0.1, and a headless Chromium without a GPU.
import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { findChromium } from './chromium';
import { cli, cliProcess } from './cli';
import { BROWSER_FLAGS, demoUrl } from './demo-process';

export interface DemoFixture {
  /** The temporary folder: the model the page starts from is lenet.onnx in it. */
  dir: string;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Trains LeNet for `epochs` on the first `limit` training images, then serves it with the demo. */
export async function openDemo(prefix: string, { epochs, limit }: { epochs: number; limit: number }): Promise<DemoFixture> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let demo: ChildProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    demo?.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const trained = cli('train', '--artifacts', dir, '--limit', String(limit), '--epochs', String(epochs), '--no-progress');
    if (trained.code !== 0) throw new Error(`train failed: ${trained.err}`);
    // `npm run demo` itself: Vite build, then the page, the model and MNIST served on 127.0.0.1.
    demo = cliProcess('demo', '--model-file', join(dir, 'lenet.onnx'), '--port', '0');
    const url = await demoUrl(demo);
    browser = await chromium.launch({ executablePath: await findChromium(), args: [...BROWSER_FLAGS, '--disable-gpu'] });
    return { dir, url, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}
