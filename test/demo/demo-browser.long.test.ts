// The demo page in a real browser (Chromium driven by playwright-core, see helpers/chromium.ts):
// draw MNIST test digits with the mouse, stroke by stroke, and read the prediction the page shows.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { loadSplit } from '../../src/data/dataset-files';
import { DemoFixture, openDemo } from '../helpers/demo-fixture';
import { drawDigit } from '../helpers/draw-digit';
import { MNIST_DIR } from '../helpers/mnist-dir';

const test10k = loadSplit(MNIST_DIR, 'test');
let demo: DemoFixture;

// A LeNet trained briefly (2 epochs on 20,000 images) is plenty for clearly drawn digits.
beforeAll(async () => void (demo = await openDemo('lenet-demo-', { epochs: 2, limit: 20_000 })), 180_000);
afterAll(() => demo?.close());

const drawSample = (page: Page, i: number) => drawDigit(page, test10k.images.pixels.subarray(i * 784, (i + 1) * 784));

test('drawing digits with the mouse shows the right predictions and ten probabilities', async () => {
  const page = await demo.browser.newPage({ viewport: { width: 800, height: 600 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(demo.url);
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
  const screenshot = process.env.DEMO_SCREENSHOT ?? join(demo.dir, 'demo-screenshot.png');
  await page.screenshot({ path: screenshot });
  expect(existsSync(screenshot)).toBe(true);
  expect(errors).toEqual([]);
  expect(right).toBeGreaterThanOrEqual(samples.length - 1);
  await page.close();
});
