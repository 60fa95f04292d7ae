// The demo page: draw on a canvas, see LeNet's prediction and the ten probabilities update live;
// below it, train the model in the page (training-panel.ts). The preprocessing is the very code
// `npm run predict` uses.
import { GrayImage } from '../src/data/gray-image';
import { softmaxRows, toMnistInput } from '../src/inference/preprocess';
import { BrowserClassifier, loadBrowserClassifier } from '../src/runtime/browser-session';
import { setupTraining } from './training-panel';
import { setupPictures } from './pictures-panel';

const pad = document.querySelector<HTMLCanvasElement>('#pad')!;
const seen = document.querySelector<HTMLCanvasElement>('#seen')!;
const ctx = pad.getContext('2d', { willReadFrequently: true })!;
const digitEl = document.querySelector('#digit')!;
const confidenceEl = document.querySelector('#confidence')!;
const bars = document.querySelector('#bars')!;
const statusEl = document.querySelector('#status')!;

function clearPad() {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pad.width, pad.height);
  digitEl.textContent = '?';
  confidenceEl.textContent = '';
  renderBars(new Float32Array(10));
}

function renderBars(p: Float32Array) {
  const best = p.indexOf(Math.max(...p));
  bars.innerHTML = '';
  p.forEach((v, d) => {
    const li = document.createElement('li');
    li.dataset.digit = String(d);
    if (d === best && v > 0) li.className = 'top';
    li.innerHTML = `<span>${d}</span><span><div class="bar" style="width:${(100 * v).toFixed(1)}%"></div></span><span>${(100 * v).toFixed(1)}%</span>`;
    bars.appendChild(li);
  });
}

function grayPixels(): GrayImage {
  const { data, width, height } = ctx.getImageData(0, 0, pad.width, pad.height);
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]);
  return { width, height, pixels };
}

function showInput(x: Float32Array) {
  const sctx = seen.getContext('2d')!;
  const img = sctx.createImageData(28, 28);
  x.forEach((v, i) => {
    const g = Math.round(255 * v);
    img.data.set([g, g, g, 255], 4 * i);
  });
  sctx.putImageData(img, 0, 0);
}

async function main() {
  clearPad();
  const res = await fetch('./lenet.onnx');
  if (!res.ok) throw new Error(`lenet.onnx: ${res.status} ${res.statusText}`);
  let modelBytes: Uint8Array = new Uint8Array(await res.arrayBuffer());
  let model: BrowserClassifier = await loadBrowserClassifier(modelBytes);
  statusEl.textContent = 'model loaded: draw a digit';

  let busy = false;
  let again = false;
  const predict = async () => {
    if (busy) return void (again = true);
    busy = true;
    const x = toMnistInput(grayPixels());
    showInput(x);
    const { logits, classes } = await model.run(x, 1);
    const p = softmaxRows(logits, classes);
    const best = p.indexOf(Math.max(...p));
    const blank = x.every((v) => v === 0);
    digitEl.textContent = blank ? '?' : String(best);
    confidenceEl.textContent = blank ? '' : `${(100 * p[best]).toFixed(1)}%`;
    renderBars(blank ? new Float32Array(classes) : p);
    busy = false;
    if (again) {
      again = false;
      void predict();
    }
  };

  let last: { x: number; y: number } | undefined;
  const at = (e: PointerEvent) => {
    const r = pad.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * pad.width) / r.width, y: ((e.clientY - r.top) * pad.height) / r.height };
  };
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    last = at(e);
    ctx.beginPath();
    ctx.fillStyle = '#111';
    ctx.arc(last.x, last.y, 9, 0, 2 * Math.PI);
    ctx.fill();
    void predict();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 18;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    void predict();
  });
  const up = () => {
    last = undefined;
    void predict();
  };
  pad.addEventListener('pointerup', up);
  pad.addEventListener('pointercancel', up);
  document.querySelector('#clear')!.addEventListener('click', clearPad);

  const startPictures = setupTraining({
    currentInput: () => {
      const x = toMnistInput(grayPixels());
      return x.every((v) => v === 0) ? undefined : x;
    },
    clearPad,
    currentModel: () => modelBytes,
    useModel: async (bytes) => {
      model = await loadBrowserClassifier(bytes);
      modelBytes = bytes;
      statusEl.textContent = 'predicting with the model trained in this page';
    },
  });
  setupPictures(startPictures, () => modelBytes);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  statusEl.textContent = `could not load the model: ${(e as Error).message}`;
  document.body.dataset.ready = 'error';
});
