// Every model file the project emits is one that other ONNX tools accept: the ONNX project's
// checker (full check, strict shape inference) passes on each, and the ops that some importers
// cannot read without them carry every attribute explicitly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emittedModels } from '../../src/cli/emitted-models';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { Graph, Model } from '../../src/graph/types';
import { encodeModel } from '../../src/onnx/encode';
import { buildOrtOptimizerModel, buildOrtTrainingModel } from '../../src/ort-training/artifact-graphs';
import { PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { stateOf } from '../../src/graph/model-definition';
import { buildTrainingStep } from '../../src/training/graphs/step-graph';
import { buildTrainingLoop } from '../../src/training/graphs/loop-graph';

const allModels: [string, Model][] = [
  ...emittedModels(),
  ...Object.values(MODEL_DEFINITIONS).filter((def) => !stateOf(def).length).map((def): [string, Model] => [`${def.name} ORT training model`, buildOrtTrainingModel(def)]),
  ['ORT optimizer model', buildOrtOptimizerModel(0.03)],
  ['ORT AdamW optimizer model', buildOrtOptimizerModel(0.001, { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.01 })],
  ...Object.values(MODEL_DEFINITIONS).map((def): [string, Model] => [`${def.name} AdamW training step`, buildTrainingStep(def, { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.01 })]),
  ...Object.values(MODEL_DEFINITIONS).map((def): [string, Model] => [`${def.name} Nesterov training loop`, buildTrainingLoop(def, { ...PLAIN_SGD, momentum: 0.9, nesterov: true })]),
];

const EXPLICIT: Record<string, string[]> = {
  Conv: ['kernel_shape', 'strides', 'pads', 'dilations', 'group'],
  ConvTranspose: ['kernel_shape', 'strides', 'pads', 'dilations', 'group'],
  MaxPool: ['kernel_shape', 'strides', 'pads'],
};

function* nodesOf(g: Graph): Generator<Graph['nodes'][number]> {
  for (const n of g.nodes) {
    yield n;
    for (const a of Object.values(n.attrs)) if (a.kind === 'graph') yield* nodesOf(a.value);
  }
}

test.each(allModels.map(([name, m]) => [name, m] as const))('%s writes every Conv/ConvTranspose/MaxPool attribute', (_name, model) => {
  const missing = [...nodesOf(model.graph)]
    .filter((n) => EXPLICIT[n.opType])
    .flatMap((n) => EXPLICIT[n.opType].filter((a) => !(a in n.attrs)).map((a) => `${n.name}: ${a}`));
  expect(missing).toEqual([]);
});

/** A Python with the `onnx` package: $ONNX_PYTHON, else python3 if it has onnx. */
function onnxPython(): string | undefined {
  for (const py of [process.env.ONNX_PYTHON, 'python3'].filter((p): p is string => !!p)) {
    if (spawnSync(py, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}
const python = onnxPython();
// CI sets REQUIRE_ONNX_CHECKER, so that there a missing checker fails instead of skipping.
if (!python && process.env.REQUIRE_ONNX_CHECKER) throw new Error('REQUIRE_ONNX_CHECKER is set but no Python with onnx was found (set ONNX_PYTHON)');
if (!python) console.warn('skipping the ONNX checker test: no Python with the onnx package (set ONNX_PYTHON)');

(python ? test : test.skip)('the ONNX checker (full check, strict shape inference) accepts every emitted model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-check-'));
  try {
    const files = allModels.map(([name, model]) => {
      const file = join(dir, `${name.replace(/[^\w]+/g, '_')}.onnx`);
      writeFileSync(file, encodeModel(model));
      return file;
    });
    const r = spawnSync(python!, [join(__dirname, '../helpers/onnx_check.py'), ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(files.length);
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
