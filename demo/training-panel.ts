// The page's training section: collects the user's labelled drawings, starts the worker in one of
// its modes (pictures-panel.ts starts the third), shows the backend, the live curve and the speed,
// and hands the trained model to the pad (a digit model) and to a download link.
import type { Backend, FromWorker, ToWorker, TrainMessage } from './training-messages';
import { CurvePoint, trainingCurve } from './training-curve';
import { MNIST_MIX, ScratchOptimizer } from './training-plan';

export interface PadAccess {
  /** What is on the pad as the model sees it (28x28, ink 1), or undefined when it is blank. */
  currentInput(): Float32Array | undefined;
  clearPad(): void;
  /** The ONNX model the pad predicts with now. */
  currentModel(): Uint8Array;
  /** Predict with this model from now on. */
  useModel(bytes: Uint8Array): Promise<void>;
}

const $ = <T extends Element>(sel: string) => document.querySelector<T>(sel)!;

/** Starts a "Teach it your pictures" run in the worker, with the page's backend choice. */
export type StartPictures = (m: Omit<Extract<TrainMessage, { mode: 'pictures' }>, 'kind' | 'backend' | 'threads' | 'stepsPerRun' | 'pageUrl'>) => void;

export function setupTraining(pad: PadAccess): StartPictures {
  const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
  const backendSelect = $<HTMLSelectElement>('#backend');
  const runtimeEl = $('#runtime');
  const examplesEl = $('#examples');
  const progressEl = $('#progress');
  const download = $<HTMLAnchorElement>('#download');
  const fineTune = $<HTMLButtonElement>('#finetune');
  const trainButton = $<HTMLButtonElement>('#train');
  const stepsInput = $<HTMLInputElement>('#steps');
  const optimizerSelect = $<HTMLSelectElement>('#optimizer');
  const curve = trainingCurve($<HTMLElement>('#curve'));
  $('#mnist-mix').textContent = MNIST_MIX.toLocaleString('en');

  const drawings: { pixels: Uint8Array; label: number }[] = [];
  const labelButtons = Array.from({ length: 10 }, (_, d) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.label = String(d);
    b.title = `the drawing is a ${d}`;
    $('#labels').appendChild(b);
    b.addEventListener('click', () => {
      const x = pad.currentInput();
      if (!x) return void (examplesEl.textContent = 'draw a digit first, then press the digit it is');
      drawings.push({ pixels: Uint8Array.from(x, (v) => Math.round(255 * v)), label: d });
      pad.clearPad();
      showDrawings();
    });
    return b;
  });
  const showDrawings = () => {
    const counts = Array.from({ length: 10 }, (_, d) => drawings.filter((e) => e.label === d).length);
    labelButtons.forEach((b, d) => (b.textContent = counts[d] ? `${d} (${counts[d]})` : String(d)));
    examplesEl.textContent = drawings.length ? `${drawings.length} drawing${drawings.length > 1 ? 's' : ''} to learn from` : 'no drawings yet';
    fineTune.disabled = busy || drawings.length === 0;
  };

  let busy = false;
  let mode: TrainMessage['mode'] = 'scratch';
  let modelName = 'lenet';
  let pending: CurvePoint[] = [];
  const setBusy = (b: boolean) => {
    busy = b;
    trainButton.disabled = b;
    document.querySelectorAll<HTMLButtonElement>('[data-needs-idle]').forEach((button) => (button.disabled = b));
    backendSelect.disabled = b;
    optimizerSelect.disabled = b;
    showDrawings();
  };
  const start = (m: TrainMessage) => {
    mode = m.mode;
    modelName = m.mode === 'pictures' ? m.name : 'lenet';
    curve.clear();
    pending = [];
    download.hidden = true;
    progressEl.textContent = 'starting…';
    setBusy(true);
    document.body.dataset.training = 'running';
    worker.postMessage(m);
  };
  const backend = () => backendSelect.value as Backend | 'auto';
  const pageUrl = location.href;
  // ?threads=N asks for N WebAssembly threads, ?steps-per-run=K runs K steps per ONNX Runtime
  // run (to compare speeds); defaults: the threads the page may use, the worker's steps per run.
  const query = new URLSearchParams(location.search);
  const asked = Number(query.get('threads')) || undefined;
  const stepsPerRun = Number(query.get('steps-per-run')) || undefined;

  trainButton.addEventListener('click', () => start({ kind: 'train', mode: 'scratch', backend: backend(), threads: asked, stepsPerRun, pageUrl, steps: Number(stepsInput.value), optimizer: optimizerSelect.value as ScratchOptimizer }));
  fineTune.addEventListener('click', () => {
    const pixels = new Uint8Array(drawings.length * 784);
    drawings.forEach((e, i) => pixels.set(e.pixels, i * 784));
    start({ kind: 'train', mode: 'finetune', backend: backend(), threads: asked, stepsPerRun, pageUrl, baseModel: pad.currentModel(), pixels, labels: Uint8Array.from(drawings, (e) => e.label) });
  });

  // Steps arrive faster than the chart needs redrawing: add them once per frame.
  const flush = () => {
    if (pending.length) curve.add(pending.splice(0));
    requestAnimationFrame(flush);
  };
  requestAnimationFrame(flush);

  worker.onmessage = async (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.kind === 'backend') {
      runtimeEl.textContent = m.backend === 'webgpu' ? `runs on WebGPU` : `runs on WebAssembly, ${m.threads} thread${m.threads > 1 ? 's' : ''}`;
      document.body.dataset.backend = m.backend;
      document.body.dataset.threads = String(m.threads);
    } else if (m.kind === 'step') {
      pending.push({ step: m.step, loss: m.loss, accuracy: m.accuracy });
      progressEl.textContent = `step ${m.step} of ${m.total} · loss ${m.loss.toFixed(3)} · batch accuracy ${(100 * m.accuracy).toFixed(0)}% · ${m.stepsPerSecond.toFixed(1)} steps/s`;
    } else if (m.kind === 'done') {
      // The pad predicts digits: a model with a new head for the user's pictures is only downloaded.
      if (mode !== 'pictures') await pad.useModel(m.model);
      const url = URL.createObjectURL(new Blob([m.model as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      if (download.href) URL.revokeObjectURL(download.href);
      download.href = url;
      download.download = mode === 'scratch' ? 'lenet-scratch.onnx' : `${modelName}-finetuned.onnx`;
      download.hidden = false;
      progressEl.textContent =
        (m.diverged ? `stopped: ${m.diverged}. ` : '') +
        `done: ${m.steps} steps in ${m.seconds.toFixed(1)} s (${m.stepsPerSecond.toFixed(2)} steps/s); ` +
        `${(100 * m.testAccuracy).toFixed(1)}% on ${m.testImages.toLocaleString('en')} ${m.scoredOn}.` +
        (mode === 'pictures' ? ' Download it below.' : ' The pad now predicts with this model.');
      document.body.dataset.stepsPerSecond = m.stepsPerSecond.toFixed(3);
      document.body.dataset.testAccuracy = m.testAccuracy.toFixed(4);
      document.body.dataset.training = 'done';
      setBusy(false);
    } else {
      progressEl.textContent = `training failed: ${m.message}`;
      document.body.dataset.training = 'error';
      setBusy(false);
    }
  };
  worker.onerror = (e) => {
    progressEl.textContent = `the training worker failed: ${e.message || 'it could not start'}`;
    document.body.dataset.training = 'error';
    setBusy(false);
  };
  // Say what training would run on before it is asked for, and again when the choice changes.
  const probe = () => worker.postMessage({ kind: 'probe', backend: backend(), threads: asked } satisfies ToWorker);
  backendSelect.addEventListener('change', probe);
  probe();
  $('#forget').addEventListener('click', () => {
    drawings.length = 0;
    showDrawings();
  });
  showDrawings();
  return (m) => start({ kind: 'train', backend: backend(), threads: asked, stepsPerRun, pageUrl, ...m });
}
