// Seeded mutations of real model files (byte flips, truncations, inserted bytes), for the tests that
// check a damaged or hostile file is refused in one line and never crashes the process.
import { lenet } from '../../model/lenet.onnx-builder';
import { errorReport } from '../../src/cli/errors';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets, evaluate, importModel, train } from '../../src/index';
import { buildInferenceModel } from '../../src/inference/inference-graph';
import { encodeModel } from '../../src/onnx/encode';
import { initParams } from '../../src/training/graphs/init';
import { mlpNodes, mlpWeights, model, opset9ConvModel, residualModel } from './hand-made-onnx';
import { pythonWith } from './python';

/** A small linear congruential generator: the same mutations for the same seed on every machine. */
function generator(seed: number) {
  let state = seed;
  return (lo: number, hi: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + (state % (hi - lo + 1));
  };
}

/** `count` mutated copies of the given files, round robin. */
export function* mutations(files: Uint8Array[], count: number, seed: number): Generator<Uint8Array> {
  const int = generator(seed);
  for (let i = 0; i < count; i++) {
    const base = files[i % files.length];
    const kind = int(0, 2);
    if (kind === 0) {
      const m = Uint8Array.from(base);
      for (let j = int(1, 8); j > 0; j--) m[int(0, m.length - 1)] = int(0, 255);
      yield m;
    } else if (kind === 1) {
      yield base.subarray(0, int(0, base.length - 1));
    } else {
      const at = int(0, base.length - 1);
      yield Uint8Array.from([...base.subarray(0, at), ...Array.from({ length: int(1, 16) }, () => int(0, 255)), ...base.subarray(at)]);
    }
  }
}

/** A refusal the CLI shows as one line, exit 2 (the project's data and model-file errors, and ONNX Runtime refusing a graph), as its error report shows it. */
export const isOneLineRefusal = (e: unknown) => {
  const { text, code } = errorReport(e);
  return code === 2 && !text.includes('\n');
};

/** The hand-made seeds: three hand-made models and the project's own exported LeNet. */
const HAND_MADE = () => [model(mlpNodes(), mlpWeights()), opset9ConvModel(), residualModel(), encodeModel(buildInferenceModel(lenet, initParams(lenet, 1)))];

const python = pythonWith(['torch', 'onnx']);
if (!python && process.env.REQUIRE_TORCH) throw new Error('REQUIRE_TORCH is set but no Python with torch and onnx was found (set ONNX_PYTHON)');

/**
 * The files mutated: the hand-made seeds and, where Python has torch, the PyTorch exports of
 * torch-reference.py (ResNet-, MobileNetV2-, SqueezeNet-style and an MLP with LayerNorm and GELU
 * from the TorchScript-based exporter, the ResNet-style one also from the dynamo-based one, whose
 * weights sit in an external data file). `dir` receives the external data files the seeds use.
 */
export function fuzzSeeds(dir: string): Uint8Array[] {
  if (!python) {
    console.warn('fuzzing without the PyTorch exports: no Python with torch and onnx (set ONNX_PYTHON)');
    return HAND_MADE();
  }
  const r = spawnSync(python, [join(__dirname, '../import/torch-reference.py'), dir, '--exports-only'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch-reference.py --exports-only failed: ${r.stderr}`);
  const exports = readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort();
  return [...HAND_MADE(), ...exports.map((f) => readFileSync(join(dir, f)))];
}

/**
 * The time bound per file (evaluate, import and a training step together): the largest intact
 * original takes about 0.3 s here, so a mutation past 3 s is a pathological path, not a busy machine.
 */
const SLOW_MS = 3000;

/**
 * `count` mutations (seeded), each written to a file and scored by evaluate() (the inference path of
 * `npm run evaluate`), then through importModel and, where it imports, one training step; what
 * happened to each.
 */
export async function fuzz(count: number, seed: number) {
  const pixels = Uint8Array.from({ length: 4 * 784 }, (_, i) => (i * 37) % 256);
  const data = datasets.fromArrays({ name: 'four', pixels, rows: 28, cols: 28, labels: Uint8Array.from([0, 1, 2, 3]) });
  const outcome = { refused: 0, trained: 0, scored: 0, notScored: 0, other: [] as string[], slow: [] as number[] };
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  const file = join(dir, 'mutated.onnx');
  const seeds = fuzzSeeds(dir);
  let i = 0;
  for (const bytes of mutations(seeds, count, seed)) {
    const started = performance.now();
    writeFileSync(file, bytes);
    try {
      await evaluate({ file }, data);
      outcome.scored++;
    } catch (e) {
      if (isOneLineRefusal(e)) outcome.notScored++;
      else outcome.other.push(`mutation ${i}, evaluate: ${(e as Error).constructor.name}: ${(e as Error).message.split('\n')[0]}`);
    }
    try {
      const def = importModel(file, { name: `mutation-${i}` });
      await train(def, data, { epochs: 1, batchSize: 4, learningRate: 0.01 });
      outcome.trained++;
    } catch (e) {
      if (isOneLineRefusal(e)) outcome.refused++;
      else outcome.other.push(`mutation ${i}: ${(e as Error).constructor.name}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (performance.now() - started > SLOW_MS) outcome.slow.push(i);
    i++;
  }
  rmSync(dir, { recursive: true, force: true });
  return { ...outcome, seeds: seeds.length };
}

