// The page's training, off the main thread: the library's train() (the step graph, the optimizer
// state, the training loop and evaluation that `npm run train` uses), on ONNX Runtime Web. The
// Vite build puts src/runtime/web-session.ts in place of the Node runtime; nothing else differs.
import { DEMO_DATA_PATHS } from '../src/cli/demo-data';
import { Dataset, makeDataset } from '../src/data/dataset';
import { parseUnpackedImages, parseUnpackedLabels } from '../src/data/idx-bytes';
import { evaluateModel } from '../src/inference/evaluate';
import { DEFAULT_INFERENCE_BATCH } from '../src/inference/inference-batch';
import { INFERENCE_IO, paramsFromModel } from '../src/inference/inference-graph';
import { modelBytes } from '../src/library/model-bytes';
import { train } from '../src/library/train';
import { defaultStepsPerRun } from '../src/training/engines/open-engine';
import { MODEL_DEFINITIONS } from '../model/registry';
import { decodeModel } from '../src/onnx/decode';
import { hasWebGpu, useWasmThreads } from '../src/runtime/web-session';
import { fineTunePlan, picturesPlan, scratchPlan, TrainingPlan } from './training-plan';
import { importBytes } from '../src/import/import-bytes';
import type { SessionConfig } from '../src/runtime/session';
import type { Backend, FromWorker, ToWorker, TrainMessage } from './training-messages';

const lenet = MODEL_DEFINITIONS.lenet;
const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.status === 404 ? '(the demo server has no MNIST: see its first lines)' : res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

const cache = new Map<string, Promise<Dataset>>();
/** The served slice of MNIST ('train' or 'test'), fetched once. */
function mnist(pageUrl: string, split: 'train' | 'test'): Promise<Dataset> {
  if (!cache.has(split)) {
    const load = async () => {
      const [images, labels] = await Promise.all([fetchBytes(new URL(DEMO_DATA_PATHS[split].images, pageUrl).href), fetchBytes(new URL(DEMO_DATA_PATHS[split].labels, pageUrl).href)]);
      return makeDataset(`MNIST ${split}`, parseUnpackedImages(images, `${split} images`), parseUnpackedLabels(labels, `${split} labels`));
    };
    cache.set(split, load());
  }
  return cache.get(split)!;
}

let threads: number | undefined;
/** WebAssembly threads: as many as the page may use (cross-origin isolated), at most 4; fixed at the first run. */
function wasmThreads(asked: number | undefined): number {
  if (threads === undefined) {
    const most = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    threads = Math.max(1, Math.min(asked ?? most, most));
    useWasmThreads(threads);
  }
  return threads;
}

/** The backend a request gets ('auto': WebGPU when the browser offers an adapter), announced to the page. */
async function backendFor(m: { backend: Backend | 'auto'; threads?: number }): Promise<{ backend: Backend; threads: number }> {
  const threads = wasmThreads(m.threads);
  const backend: Backend = m.backend === 'auto' ? ((await hasWebGpu()) ? 'webgpu' : 'wasm') : m.backend;
  post({ kind: 'backend', backend, threads });
  return { backend, threads };
}

/** "Teach it your pictures": the backbone imported with a new head for the user's classes, trained on their pictures. */
async function teachPictures(m: Extract<TrainMessage, { mode: 'pictures' }>, session: SessionConfig): Promise<void> {
  const p = m.pictures;
  const images = { count: p.labels.length, rows: p.rows, cols: p.cols, ...(p.channels > 1 ? { channels: p.channels } : {}), pixels: p.pixels };
  const plan = picturesPlan(makeDataset('your pictures', images, p.labels, p.classNames));
  const def = importBytes(m.backbone, m.name, { newHead: { classes: p.classNames }, ...(m.pixels ? { pixels: m.pixels } : {}) });
  const started = performance.now();
  let step = 0;
  const total = Math.ceil(plan.data.images.count / plan.options.batchSize!) * plan.options.epochs!;
  const trained = await train(def, plan.data, {
    ...plan.options,
    session,
    stepsPerRun: m.stepsPerRun ?? defaultStepsPerRun(session, plan.options.batchSize!),
    on: { onBatch: (_d, _o, _mean, s) => post({ kind: 'step', step: ++step, total, loss: s.loss, accuracy: s.accuracy, stepsPerSecond: step / ((performance.now() - started) / 1000) }) },
  });
  const model = modelBytes(trained);
  const seconds = (performance.now() - started) / 1000;
  const done: FromWorker = { kind: 'done', model, testAccuracy: trained.valAccuracy!, testImages: plan.validation.images.count, scoredOn: 'held-out pictures', seconds, steps: step, stepsPerSecond: step / seconds };
  post(done, [model.buffer]);
}

async function run(m: ToWorker): Promise<void> {
  const { backend, threads: n } = await backendFor(m);
  if (m.kind === 'probe') return;
  const session: SessionConfig = { ep: backend === 'webgpu' ? 'webgpu' : 'cpu', threads: n };
  if (m.mode === 'pictures') return teachPictures(m, session);
  const [trainSet, testSet] = await Promise.all([mnist(m.pageUrl, 'train'), mnist(m.pageUrl, 'test')]);
  let plan: TrainingPlan;
  if (m.mode === 'scratch') plan = scratchPlan(trainSet, m.steps, m.optimizer);
  else {
    const drawings = makeDataset('your drawings', { count: m.labels.length, rows: 28, cols: 28, pixels: m.pixels }, m.labels);
    const base = paramsFromModel(lenet, decodeModel(m.baseModel), 'lenet.onnx');
    plan = fineTunePlan(drawings, trainSet);
    plan.options.initialParams = base;
  }
  const total = Math.ceil(plan.data.images.count / plan.options.batchSize!) * (plan.options.epochs ?? 1);
  const started = performance.now();
  let step = 0;
  // The library's default: 10 per run on WebAssembly (measured with npm run bench:browser, 2 threads:
  // x1.45 the steps/s of one per run); 1 on WebGPU, where the parameters already stay in GPU memory.
  const stepsPerRun = m.stepsPerRun ?? defaultStepsPerRun(session, plan.options.batchSize!);
  // The first run also loads the graph into ONNX Runtime: the rate counts the steps after it.
  const warm = Math.min(stepsPerRun, total);
  let firstAt = 0;
  let lastAt = 0;
  const rate = () => (step > warm ? (step - warm) / ((lastAt - firstAt) / 1000) : 0);
  const trained = await train(lenet, plan.data, {
    ...plan.options,
    session,
    stepsPerRun,
    on: {
      onBatch: (_done, _of, _mean, s) => {
        step++;
        lastAt = performance.now();
        if (step === warm) firstAt = lastAt;
        post({ kind: 'step', step, total, loss: s.loss, accuracy: s.accuracy, stepsPerSecond: rate() });
      },
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const model = modelBytes(trained);
  // Scored on WebAssembly whatever trained it: 2,000 images take a fraction of a second there.
  const io = { path: 'the trained model', bytes: model, input: INFERENCE_IO.input, output: INFERENCE_IO.logits, classes: lenet.classes };
  const { accuracy } = await evaluateModel(io, testSet, { batchSize: DEFAULT_INFERENCE_BATCH, session: { ep: 'cpu', threads: n } });
  const diverged = trained.divergence && `the loss diverged (${trained.divergence.loss}) at step ${step + 1}; the model is the one before it`;
  post({ kind: 'done', model, testAccuracy: accuracy, seconds, steps: step, stepsPerSecond: rate(), testImages: testSet.images.count, scoredOn: 'MNIST test images', diverged }, [model.buffer]);
}

// ONNX Runtime Web starts its WebAssembly threads as workers running this same bundled script,
// named 'em-pthread...': those belong to ONNX Runtime, which installs its own message handler.
if (!self.name.startsWith('em-pthread')) {
  self.onmessage = (e: MessageEvent<ToWorker>) => {
    run(e.data).catch((err: unknown) => post({ kind: 'error', message: (err as Error).message ?? String(err) }));
  };
}
