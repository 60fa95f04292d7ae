// The demo page in a real browser (Chromium driven by playwright-core, see helpers/chromium.ts):
// draw MNIST test digits with the mouse, stroke by stroke, and read the prediction the page shows.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { ChildProcess } from 'node:child_process';
import { loadSplit } from '../../src/data/idx-dataset';
import { findChromium } from '../helpers/chromium';
import { drawDigit } from '../helpers/draw-digit';
import { cli, cliProcess } from '../helpers/cli';
import { MNIST_DIR } from '../helpers/mnist-dir';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const test10k = loadSplit(MNIST_DIR, 'test');
let dir: string;
let demo: ChildProcess;
let url: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lenet-demo-'));
  // A LeNet trained briefly (2 epochs on 20,000 images) is plenty for clearly drawn digits.
  expect(cli('train', '--artifacts', dir, '--limit', '20000', '--epochs', '2', '--no-progress').code).toBe(0);
  // `npm run demo` itself: Vite build, then the page and the model served on 127.0.0.1.
  demo = cliProcess('demo', '--model-file', join(dir, 'lenet.onnx'), '--port', '0');
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    demo.stdout!.on('data', (d) => {
      out += d;
      const m = /demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    demo.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
  });
  browser = await chromium.launch({ executablePath: await findChromium(), args: FLAGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  demo?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

const drawSample = (page: Page, i: number) => drawDigit(page, test10k.images.pixels.subarray(i * 784, (i + 1) * 784));

test('drawing digits with the mouse shows the right predictions and ten probabilities', async () => {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  let right = 0;
  const samples = [0, 1, 2, 3, 4, 7, 8, 11];
  for (const i of samples) {
    await page.click('#clear');
    await drawSample(page, i);
    await page.waitForTimeout(300); // the last prediction settles
    const shown = await page.textContent('#digit');
    if (shown === String(test10k.labels[i])) right++;
    const bars = await page.locator('#bars li').count();
    expect(bars).toBe(10);
  }
  // In the test's temporary folder (removed afterwards) unless $DEMO_SCREENSHOT asks to keep it.
  const screenshot = process.env.DEMO_SCREENSHOT ?? join(dir, 'demo-screenshot.png');
  await page.screenshot({ path: screenshot });
  expect(existsSync(screenshot)).toBe(true);
  expect(errors).toEqual([]);
  expect(right).toBeGreaterThanOrEqual(samples.length - 1);
  await page.close();
});
