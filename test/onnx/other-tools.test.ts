// The model files the project emits carry every attribute explicitly on the ops that some
// importers cannot read without them. (The ONNX checker's pass on each: onnx-checker.long.test.ts.)
import { Graph } from '../../src/graph/types';
import { allModels } from '../helpers/all-models';

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
