// "Teach it your pictures": the user picks a model (an .onnx file, or the page's lenet.onnx), names
// classes and adds pictures to each (chosen or dropped), chooses how pixels are fed (value / 255, or
// ImageNet's mean and std), and the worker trains a new head for those classes on them, its backbone
// frozen. Shows what the model takes and how many pictures each class has.
import { IMAGENET_PIXELS } from '../src/data/pixel-normalization';
import { readSignature } from '../src/onnx/decode';
import { picturePixels } from './picture-pixels';
import type { StartPictures } from './training-panel';

const $ = <T extends Element>(sel: string) => document.querySelector<T>(sel)!;

interface Backbone {
  bytes: Uint8Array;
  name: string;
  channels: 1 | 3;
  rows: number;
  cols: number;
}

/** What the model's input is, as pictures can be fed to it; a sentence saying why not otherwise. */
function backboneOf(bytes: Uint8Array, name: string): Backbone | string {
  const dims = readSignature(bytes).inputs[0]?.dims ?? [];
  const [channels, rows, cols] = dims.slice(1);
  if (dims.length !== 4 || (channels !== 1 && channels !== 3) || typeof rows !== 'number' || typeof cols !== 'number') {
    return `${name} takes [${dims}]; pictures can be fed to a model that takes [N, 1 or 3, height, width]`;
  }
  return { bytes, name, channels, rows, cols };
}

export function setupPictures(start: StartPictures, pageModel: () => Uint8Array): void {
  const info = $('#backbone-info');
  const status = $('#pictures-status');
  const teach = $<HTMLButtonElement>('#teach-pictures');
  const classes = new Map<string, File[]>();
  let chosen: Backbone | undefined;
  const backbone = (): Backbone | string => chosen ?? backboneOf(pageModel(), 'lenet');

  const show = () => {
    const b = backbone();
    info.textContent = typeof b === 'string' ? b : `${b.name}: ${b.channels === 1 ? 'gray' : 'RGB'} ${b.cols}x${b.rows} pictures`;
    const counts = [...classes].map(([name, files]) => `${name} ${files.length}`);
    status.textContent = classes.size ? `pictures: ${counts.join(', ')}` : 'no classes yet';
    document.body.dataset.pictures = String([...classes.values()].reduce((n, f) => n + f.length, 0));
  };

  const addClass = (name: string) => {
    if (!name || classes.has(name)) return;
    classes.set(name, []);
    const row = document.createElement('div');
    row.className = 'class-row';
    row.dataset.class = name;
    const label = document.createElement('span');
    label.textContent = name;
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.accept = 'image/*';
    input.title = `pictures of ${name}`;
    const add = (files: FileList | null) => {
      classes.get(name)!.push(...Array.from(files ?? []).filter((f) => f.type.startsWith('image/')));
      show();
    };
    input.addEventListener('change', () => add(input.files));
    row.addEventListener('dragover', (e) => e.preventDefault());
    row.addEventListener('drop', (e) => {
      e.preventDefault();
      add(e.dataTransfer?.files ?? null);
    });
    row.append(label, input);
    $('#classes').appendChild(row);
    show();
  };

  $<HTMLInputElement>('#backbone').addEventListener('change', async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const b = backboneOf(new Uint8Array(await file.arrayBuffer()), file.name.replace(/\.onnx$/i, ''));
    chosen = typeof b === 'string' ? undefined : b;
    show();
    if (typeof b === 'string') info.textContent = b;
  });
  const nameInput = $<HTMLInputElement>('#class-name');
  $('#add-class').addEventListener('click', () => {
    addClass(nameInput.value.trim());
    nameInput.value = '';
  });

  teach.addEventListener('click', async () => {
    const b = backbone();
    if (typeof b === 'string') return void (status.textContent = b);
    if (classes.size < 2) return void (status.textContent = 'add at least two classes, each with a few pictures');
    const files = [...classes.values()].flatMap((f, label) => f.map((file) => ({ file, label })));
    const size = b.channels * b.rows * b.cols;
    const pixels = new Uint8Array(files.length * size);
    status.textContent = `reading ${files.length} pictures…`;
    for (const [i, { file }] of files.entries()) pixels.set(await picturePixels(file, b.channels, b.rows, b.cols), i * size);
    const pictures = { pixels, labels: Uint8Array.from(files, (f) => f.label), classNames: [...classes.keys()], channels: b.channels, rows: b.rows, cols: b.cols };
    const imagenet = $<HTMLSelectElement>('#pixel-normalization').value === 'imagenet';
    start({ mode: 'pictures', backbone: b.bytes, name: b.name, pictures, ...(imagenet ? { pixels: IMAGENET_PIXELS } : {}) });
    show();
  });
  show();
}
