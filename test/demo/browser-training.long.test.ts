// Training in the demo page, in a real browser (Chromium driven by playwright-core): the page's
// worker runs the library's train() on ONNX Runtime Web. Its parameters are compared with the same
// plan trained by train() in Node (WebAssembly to 1e-5, WebGPU on Chromium's software adapter to
// 1e-4); fine-tuning on one writer's mouse-drawn digits must help on that writer's other digits; and
// the downloaded model must pass `evaluate`. "Teach it your pictures" puts a new head on the page's
// model for classes of PNG files and must end where train() in Node does from the same pictures.
// CI sets REQUIRE_WEBGPU, so that there a browser without a WebGPU adapter fails instead of skipping.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { picturesPlan, scratchPlan, ScratchOptimizer } from '../../demo/training-plan';
import { datasets, importModel } from '../../src/index';
import { writeDigitFolder } from '../helpers/mnist-pictures';
import { firstSamples } from '../../src/data/dataset';
import { loadSplit } from '../../src/data/dataset-files';
import { paramsFromModel } from '../../src/inference/inference-graph';
import { train } from '../../src/library/train';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { decodeModel } from '../../src/onnx/decode';
import { DEMO_DATA_COUNTS } from '../../src/cli/demo-data';
import { ParamValues } from '../../src/graph/model-definition';
import { findChromium } from '../helpers/chromium';
import { cli } from '../helpers/cli';
import { DemoFixture, openDemo } from '../helpers/demo-fixture';
import { BROWSER_FLAGS, WEBGPU_FLAGS } from '../helpers/demo-process';
import { drawDigit } from '../helpers/draw-digit';
import { MNIST_DIR } from '../helpers/mnist-dir';

jest.setTimeout(600_000);

const lenet = MODEL_DEFINITIONS.lenet;

const served = firstSamples(loadSplit(MNIST_DIR, 'train'), DEMO_DATA_COUNTS.train);
const test10k = loadSplit(MNIST_DIR, 'test');
let demo: DemoFixture;

// The model the page starts from: LeNet after one epoch on 20,000 images.
beforeAll(async () => void (demo = await openDemo('lenet-browser-training-', { epochs: 1, limit: 20_000 })), 300_000);
afterAll(() => demo?.close());

async function openPage(b: Browser, query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await b.newPage({ viewport: { width: 860, height: 1000 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(demo.url + query);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return { page, errors };
}

/** Press a training button, wait for the worker to finish, and return the downloaded model's bytes. */
async function trainAndDownload(page: Page, button: string, name: string): Promise<Uint8Array> {
  await page.click(button);
  await page.waitForSelector('body[data-training="done"], body[data-training="error"]', { timeout: 540_000 });
  expect(await page.getAttribute('body', 'data-training')).toBe('done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const file = join(demo.dir, name);
  await download.saveAs(file);
  return readFileSync(file);
}

/** The largest difference of any tensor, relative to that tensor's largest magnitude in `reference`. */
function largestRelativeDifference(params: ParamValues, reference: ParamValues): number {
  let worst = 0;
  for (const [name, ref] of reference) {
    const got = params.get(name)!;
    expect(got).toHaveLength(ref.length);
    const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    ref.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i] - v) / scale)));
  }
  return worst;
}

/** The model parameters train() reaches in Node for the page's scratch plan (CPU provider). */
async function nodeScratch(steps: number, optimizer: ScratchOptimizer): Promise<ParamValues> {
  const plan = scratchPlan(served, steps, optimizer);
  const trained = await train(lenet, plan.data, { ...plan.options, session: { ep: 'cpu', threads: 1 } });
  return new Map(lenet.params.map((p) => [p.name, trained.params.get(p.name)!]));
}

test('"Train from scratch" on WebAssembly (threads, cross-origin isolated) ends where train() in Node does, to 1e-5', async () => {
  const steps = 30;
  const { page, errors } = await openPage(demo.browser);
  expect(await page.evaluate('crossOriginIsolated')).toBe(true);
  // Before any training the page says what it would run on: no GPU in this browser, so WebAssembly.
  await page.waitForSelector('body[data-backend]');
  expect(await page.textContent('#runtime')).toMatch(/^runs on WebAssembly, \d threads?$/);
  await page.selectOption('#backend', 'wasm');
  await page.fill('#steps', String(steps));
  await page.selectOption('#optimizer', 'sgd');
  const model = await trainAndDownload(page, '#train', 'scratch-wasm.onnx');
  const threads = Number(await page.getAttribute('body', 'data-threads'));
  expect(await page.getAttribute('body', 'data-backend')).toBe('wasm');
  expect(await page.textContent('#runtime')).toBe(`runs on WebAssembly, ${threads} thread${threads > 1 ? 's' : ''}`);
  const cores = await page.evaluate<number>('navigator.hardwareConcurrency');
  expect(threads).toBe(Math.min(4, cores));
  const progress = (await page.textContent('#progress'))!;
  expect(progress).toMatch(new RegExp(`^done: ${steps} steps in `));
  // Vega drew the two curves, one point per step.
  expect(await page.locator('#curve svg path').count()).toBeGreaterThan(0);
  const browserParams = paramsFromModel(lenet, decodeModel(model), 'the downloaded model');
  const difference = largestRelativeDifference(browserParams, await nodeScratch(steps, 'sgd'));
  console.log(`browser (WebAssembly, ${threads} threads) vs Node after ${steps} SGD steps: largest relative difference ${difference.toExponential(2)}; ${progress}`);
  expect(difference).toBeLessThan(1e-5);

  // AdamW: the same code, but its first steps move each weight by about lr * sign(gradient), so a
  // near-zero gradient component that rounds differently (WebAssembly's kernels vs the native ones)
  // moves differently: the difference grows to about a tenth of lr, not to float rounding.
  await page.selectOption('#optimizer', 'adamw');
  const adamModel = await trainAndDownload(page, '#train', 'scratch-wasm-adamw.onnx');
  const adamDifference = largestRelativeDifference(paramsFromModel(lenet, decodeModel(adamModel), 'the downloaded model'), await nodeScratch(steps, 'adamw'));
  console.log(`the same with AdamW: largest relative difference ${adamDifference.toExponential(2)}; ${await page.textContent('#progress')}`);
  expect(adamDifference).toBeLessThan(1e-2);
  // Thirty AdamW steps already classify most test digits.
  expect(Number(await page.getAttribute('body', 'data-test-accuracy'))).toBeGreaterThan(0.7);

  // A step count the served data cannot give: one line on the page, nothing thrown.
  await page.fill('#steps', '400');
  await page.click('#train');
  await page.waitForSelector('body[data-training="error"]');
  expect(await page.textContent('#progress')).toBe('training failed: steps must be a whole number from 1 to 312, got 400');
  expect(errors).toEqual([]);
  await page.close();
});

test('"Train from scratch" on WebGPU (Chromium\'s software adapter) ends where train() in Node does, to 1e-4', async () => {
  const gpuBrowser = await chromium.launch({ executablePath: await findChromium(), args: [...BROWSER_FLAGS, ...WEBGPU_FLAGS] });
  try {
    const { page, errors } = await openPage(gpuBrowser);
    const adapter = await page.evaluate<boolean>('(async () => !!(await navigator.gpu?.requestAdapter()))()');
    if (!adapter) {
      if (process.env.REQUIRE_WEBGPU) throw new Error('REQUIRE_WEBGPU is set but Chromium offers no WebGPU adapter');
      console.warn('skipping the in-browser WebGPU training check: Chromium offers no WebGPU adapter here');
      return;
    }
    const steps = 2; // a step of batch 64 takes seconds on a software GPU
    await page.fill('#steps', String(steps)); // backend 'auto': WebGPU, since there is an adapter
    await page.selectOption('#optimizer', 'sgd');
    const model = await trainAndDownload(page, '#train', 'scratch-webgpu.onnx');
    expect(await page.getAttribute('body', 'data-backend')).toBe('webgpu');
    expect(await page.textContent('#runtime')).toBe('runs on WebGPU');
    const difference = largestRelativeDifference(paramsFromModel(lenet, decodeModel(model), 'the downloaded model'), await nodeScratch(steps, 'sgd'));
    console.log(`browser (WebGPU, SwiftShader) vs Node after ${steps} SGD steps: largest relative difference ${difference.toExponential(2)}; ${await page.textContent('#progress')}`);
    expect(difference).toBeLessThan(1e-4);
    expect(errors).toEqual([]);
  } finally {
    await gpuBrowser.close();
  }
});

/** MNIST test digits of one "writer": the first `perDigit` of each digit from index `from` on (drawn tilted). */
function writerDigits(from: number, perDigit: number): number[] {
  const picked: number[] = [];
  for (let d = 0; d < 10; d++) {
    let found = 0;
    for (let i = from; i < test10k.labels.length && found < perDigit; i++) {
      if (test10k.labels[i] === d) {
        picked.push(i);
        found++;
      }
    }
  }
  return picked;
}

// The writer keeps the paper turned: every digit tilted 35 degrees, which MNIST's digits never are.
const TILT = 35;
const drawn = (page: Page, i: number) => drawDigit(page, test10k.images.pixels.subarray(i * 784, (i + 1) * 784), { tilt: TILT });

/** How many of `samples` the page predicts right when they are drawn. */
async function predictedRight(page: Page, samples: number[]): Promise<number> {
  let right = 0;
  for (const i of samples) {
    await page.click('#clear');
    await drawn(page, i);
    await page.waitForTimeout(200); // the last prediction settles
    if ((await page.textContent('#digit')) === String(test10k.labels[i])) right++;
  }
  return right;
}

test('"Teach it your handwriting": fine-tuning on one writer\'s drawings helps on their other drawings; the download passes evaluate', async () => {
  const { page, errors } = await openPage(demo.browser);
  await page.selectOption('#backend', 'wasm');
  const teach = writerDigits(0, 4); // 40 drawings to learn from
  const heldOut = writerDigits(2000, 3); // 30 other drawings of the same writer
  const before = await predictedRight(page, heldOut);
  for (const i of teach) {
    await page.click('#clear');
    await drawn(page, i);
    await page.click(`#labels button[data-label="${test10k.labels[i]}"]`);
  }
  expect(await page.textContent('#examples')).toBe(`${teach.length} drawings to learn from`);
  const model = await trainAndDownload(page, '#finetune', 'lenet-finetuned.onnx');
  const after = await predictedRight(page, heldOut);
  console.log(`one writer's ${heldOut.length} held-out drawings: ${before} right before fine-tuning, ${after} after; ${await page.textContent('#progress')}`);
  expect(after).toBeGreaterThan(before);
  expect(model.length).toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await page.close();

  // The downloaded model is an ordinary model file: evaluate scores it, within 0.5% of the model it started from.
  const score = (file: string) => Number(/accuracy=([\d.]+)/.exec(cli('evaluate', '--model-file', file, '--min-accuracy', '0').out)?.[1]);
  const base = score(join(demo.dir, 'lenet.onnx'));
  const tuned = score(join(demo.dir, 'lenet-finetuned.onnx'));
  console.log(`evaluate on the 10,000 MNIST test images: ${base} before fine-tuning, ${tuned} after`);
  expect(tuned).toBeGreaterThanOrEqual(base - 0.005);
});

/** The folder's pictures as the page gets them: the classes added in sorted order, each one's files sorted. */
async function addPictures(page: Page, folder: string): Promise<string[]> {
  const classes = readdirSync(folder).sort();
  for (const name of classes) {
    await page.fill('#class-name', name);
    await page.click('#add-class');
    const files = readdirSync(join(folder, name)).sort().map((f) => join(folder, name, f));
    await page.setInputFiles(`.class-row[data-class="${name}"] input[type=file]`, files);
  }
  return classes;
}

/** The new head's tensors of a model file. */
const headOf = (bytes: Uint8Array): ParamValues =>
  new Map(decodeModel(bytes).graph.initializers.filter((t) => t.name.startsWith('new_head.')).map((t) => [t.name, t.data as Float32Array]));

/** What train() reaches in Node for the page's pictures plan, from the same backbone and pictures (CPU provider). */
async function nodePictures(folder: string): Promise<{ head: ParamValues; heldOut: number }> {
  const pictures = await datasets.imageFolder(folder);
  const plan = picturesPlan(pictures);
  const def = importModel(join(demo.dir, 'lenet.onnx'), { newHead: { classes: pictures.classNames! } });
  const trained = await train(def, plan.data, { ...plan.options, session: { ep: 'cpu', threads: 1 } });
  return { head: new Map(def.params.map((p) => [p.name, trained.params.get(p.name)!])), heldOut: trained.valAccuracy! };
}

describe('"Teach it your pictures": a new head on the page\'s model for three classes of PNGs', () => {
  let folder: string;
  beforeAll(async () => {
    folder = join(demo.dir, 'pictures');
    await writeDigitFolder(folder, test10k, 25, [5, 6, 7]);
  });

  test('on WebAssembly it ends where train() in Node does, to 1e-5; the held-out score is shown; the download passes evaluate', async () => {
    const { page, errors } = await openPage(demo.browser);
    await page.selectOption('#backend', 'wasm');
    expect(await page.textContent('#backbone-info')).toBe('lenet: gray 28x28 pictures');
    const classes = await addPictures(page, folder);
    expect(await page.textContent('#pictures-status')).toBe('pictures: five 25, seven 25, six 25');
    const model = await trainAndDownload(page, '#teach-pictures', 'lenet-pictures.onnx');
    const progress = (await page.textContent('#progress'))!;
    expect(progress).toMatch(/% on 15 held-out pictures\. Download it below\.$/);
    const node = await nodePictures(folder);
    const difference = largestRelativeDifference(headOf(model), node.head);
    console.log(`pictures (WebAssembly) vs Node: largest relative difference of the head ${difference.toExponential(2)}; held out ${await page.getAttribute('body', 'data-test-accuracy')} (Node ${node.heldOut.toFixed(4)}); ${progress}`);
    expect(difference).toBeLessThan(1e-5);
    expect(Number(await page.getAttribute('body', 'data-test-accuracy'))).toBeCloseTo(node.heldOut, 4);
    expect(decodeModel(model).metadata).toMatchObject({ class_labels: classes.join(',') });
    const e = cli('evaluate', '--model-file', join(demo.dir, 'lenet-pictures.onnx'), '--data-dir', folder, '--min-accuracy', '0.8');
    expect(e.code).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('on WebGPU (Chromium\'s software adapter) it ends where train() in Node does, to 1e-4', async () => {
    const gpuBrowser = await chromium.launch({ executablePath: await findChromium(), args: [...BROWSER_FLAGS, ...WEBGPU_FLAGS] });
    try {
      const { page, errors } = await openPage(gpuBrowser);
      if (!(await page.evaluate<boolean>('(async () => !!(await navigator.gpu?.requestAdapter()))()'))) {
        if (process.env.REQUIRE_WEBGPU) throw new Error('REQUIRE_WEBGPU is set but Chromium offers no WebGPU adapter');
        return void console.warn('skipping the in-browser WebGPU pictures check: Chromium offers no WebGPU adapter here');
      }
      await addPictures(page, folder);
      const model = await trainAndDownload(page, '#teach-pictures', 'lenet-pictures-webgpu.onnx');
      expect(await page.getAttribute('body', 'data-backend')).toBe('webgpu');
      const difference = largestRelativeDifference(headOf(model), (await nodePictures(folder)).head);
      console.log(`pictures (WebGPU, SwiftShader) vs Node: largest relative difference of the head ${difference.toExponential(2)}; ${await page.textContent('#progress')}`);
      expect(difference).toBeLessThan(1e-4);
      expect(errors).toEqual([]);
    } finally {
      await gpuBrowser.close();
    }
  });
});
