// `npm run bench:browser`: steps per second of the demo page's "Train from scratch" (LeNet, AdamW,
// batches of 64) in headless Chromium, per backend and WebAssembly thread count, medians over
// interleaved rounds. Needs a trained model for the page (npm run train) and MNIST (as `demo`).
// --screenshot FILE keeps a picture of the page after a run with its defaults (docs/browser-training.png).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { findChromium } from '../test/helpers/chromium';
import { BROWSER_FLAGS, demoUrl, WEBGPU_FLAGS } from '../test/helpers/demo-process';
import { cpuInfo, describeCpu } from './cpu-info';
import { median } from './median';

const ROOT = resolve(__dirname, '..');
const args = yargs(hideBin(process.argv))
  .options({
    rounds: { type: 'number', default: 3, describe: 'interleaved rounds per configuration' },
    steps: { type: 'number', default: 100, describe: 'steps per WebAssembly run' },
    'webgpu-steps': { type: 'number', default: 4, describe: 'steps per WebGPU run (0 to skip; a software adapter takes seconds per step)' },
    threads: { type: 'string', default: '1,2,4', describe: 'WebAssembly thread counts (the page caps them at the cores, at most 4)' },
    'steps-per-run': { type: 'string', default: '1,10', describe: 'WebAssembly: optimizer steps per ONNX Runtime run (the K-step Loop graph)' },
    screenshot: { type: 'string', describe: 'save a screenshot of the page after a WebAssembly run here' },
  })
  .strict()
  .parseSync();


async function startDemo(): Promise<{ url: string; stop: () => void }> {
  const demo = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--port', '0'], { cwd: ROOT, env: process.env });
  return { url: await demoUrl(demo), stop: () => demo.kill('SIGINT') };
}

interface Run {
  backend: 'wasm' | 'webgpu';
  threads: number;
  stepsPerRun: number;
  stepsPerSecond: number;
}

interface Config {
  backend: 'wasm' | 'webgpu';
  threads: number;
  stepsPerRun: number;
}

/** One "Train from scratch" run in a fresh page; what is undefined keeps the page's defaults. */
async function trainOnce(browser: Browser, url: string, config?: Config, steps?: number, screenshot?: string): Promise<Run> {
  const page = await browser.newPage({ viewport: { width: 860, height: 1060 } });
  const backend = config?.backend ?? 'wasm';
  try {
    await page.goto(config ? `${url}?threads=${config.threads}&steps-per-run=${config.stepsPerRun}` : url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.selectOption('#backend', backend);
    if (steps !== undefined) await page.fill('#steps', String(steps));
    await page.click('#train');
    await page.waitForSelector('body[data-training="done"], body[data-training="error"]', { timeout: 1_800_000 });
    if ((await page.getAttribute('body', 'data-training')) !== 'done') throw new Error(`${backend}: ${await page.textContent('#progress')}`);
    await page.waitForTimeout(300); // the last points reach the chart
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return {
      backend,
      stepsPerRun: config?.stepsPerRun ?? 0,
      threads: Number(await page.getAttribute('body', 'data-threads')),
      stepsPerSecond: Number(await page.getAttribute('body', 'data-steps-per-second')),
    };
  } finally {
    await page.close();
  }
}

async function main() {
  const demo = await startDemo();
  const executablePath = await findChromium();
  const wasm = await chromium.launch({ executablePath, args: [...BROWSER_FLAGS, '--disable-gpu'] });
  const gpu = args['webgpu-steps'] > 0 ? await chromium.launch({ executablePath, args: [...BROWSER_FLAGS, ...WEBGPU_FLAGS] }) : undefined;
  const wasmConfigs = args['steps-per-run'].split(',').map(Number).flatMap((k) =>
    args.threads.split(',').map((t): Config => ({ backend: 'wasm', threads: Number(t), stepsPerRun: k })),
  );
  const results = new Map<string, Run[]>();
  const keep = (r: Run) => {
    const perRun = r.stepsPerRun > 1 ? `, ${r.stepsPerRun} steps per run` : '';
    const key = r.backend === 'webgpu' ? 'WebGPU (SwiftShader)' : `WebAssembly, ${r.threads} thread${r.threads > 1 ? 's' : ''}${perRun}`;
    results.set(key, [...(results.get(key) ?? []), r]);
    console.log(`${key}: ${r.stepsPerSecond.toFixed(2)} steps/s`);
  };
  try {
    for (let round = 0; round < args.rounds; round++) {
      for (const c of wasmConfigs) keep(await trainOnce(wasm, demo.url, c, args.steps));
      if (gpu) keep(await trainOnce(gpu, demo.url, { backend: 'webgpu', threads: 1, stepsPerRun: 1 }, args['webgpu-steps']));
    }
    // The picture: the page's own defaults (300 steps, AdamW, all threads, 10 steps per run), on WebAssembly.
    if (args.screenshot) await trainOnce(wasm, demo.url, undefined, undefined, args.screenshot);
  } finally {
    await wasm.close();
    await gpu?.close();
    demo.stop();
  }
  const table = [...results].map(([config, runs]) => ({ config, steps_per_s: median(runs.map((r) => r.stepsPerSecond)), runs: runs.length }));
  console.log(`\nLeNet, AdamW, batch 64, headless Chromium; CPU: ${describeCpu(cpuInfo())}; load ${loadavg()[0].toFixed(2)}`);
  console.log('| backend | steps/s (median) | samples/s |\n|---|---|---|');
  for (const r of table) console.log(`| ${r.config} | ${r.steps_per_s.toFixed(2)} | ${Math.round(64 * r.steps_per_s)} |`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/browser-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ cpu: cpuInfo(), table }, null, 2));
}

main().catch((e: Error) => {
  console.error(`bench:browser: ${e.message}`);
  process.exit(1);
});
