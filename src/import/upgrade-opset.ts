// Older opsets wrote as attributes what later ones take as inputs. An imported graph is rewritten to
// the form of the opset the project emits (18) before anything reads it: each moved attribute
// becomes a constant input, and attributes later opsets dropped are checked and removed.
import { AttrValue, Graph, Node, Tensor, Value } from '../graph/types';
import { ImportError } from './import-error';

/** Op -> [the opset that moved the attributes to inputs, the attributes in input order after input 0]. */
const MOVED_TO_INPUTS: Record<string, [number, string[]]> = {
  Squeeze: [13, ['axes']],
  Unsqueeze: [13, ['axes']],
  ReduceSum: [13, ['axes']],
  ReduceMean: [18, ['axes']],
  ReduceMax: [18, ['axes']],
  ReduceMin: [18, ['axes']],
  ReduceProd: [18, ['axes']],
  ReduceL2: [18, ['axes']],
  Split: [13, ['split']],
  Clip: [11, ['min', 'max']],
  Pad: [11, ['pads', 'value']],
  Slice: [10, ['starts', 'ends', 'axes']],
  Dropout: [12, ['ratio']],
  Reshape: [5, ['shape']],
};

/** Attributes older opsets had that are now gone: their value must be the one later opsets assume. */
const DROPPED: Record<string, Record<string, number | undefined>> = {
  BatchNormalization: { spatial: 1, is_test: undefined, consumed_inputs: undefined, momentum: undefined },
  Dropout: { is_test: undefined },
  Gemm: { broadcast: undefined },
  Add: { broadcast: undefined, axis: undefined },
  Sub: { broadcast: undefined, axis: undefined },
  Mul: { broadcast: undefined, axis: undefined },
  Div: { broadcast: undefined, axis: undefined },
};

const attrNumbers = (a: AttrValue): number[] | number | undefined =>
  a.kind === 'ints' || a.kind === 'floats' ? a.value : a.kind === 'int' || a.kind === 'float' ? a.value : undefined;

function constantInput(graph: Graph, node: Node, attrName: string, a: AttrValue): Value {
  const values = attrNumbers(a);
  if (values === undefined) throw new ImportError(`node '${node.name}' (${node.opType}): attribute '${attrName}' is not a number or list`);
  const isFloat = a.kind === 'float' || a.kind === 'floats';
  const list = Array.isArray(values) ? values : [values];
  const name = `${node.name || node.opType}.${attrName}`;
  const tensor: Tensor = isFloat
    ? { name, dtype: 'float32', dims: Array.isArray(values) ? [list.length] : [], data: Float32Array.from(list) }
    : { name, dtype: 'int64', dims: [list.length], data: BigInt64Array.from(list.map(BigInt)) };
  graph.initializers.push(tensor);
  return { name, dtype: tensor.dtype, shape: tensor.dims };
}

/** Rewrites `graph`'s ai.onnx nodes written for `opset` into the form of opset 18, in place. */
export function upgradeToCurrentOpset(graph: Graph, opset: number): void {
  for (const node of graph.nodes) {
    if (node.domain !== '' && node.domain !== 'ai.onnx') continue;
    node.domain = '';
    const dropped = DROPPED[node.opType];
    for (const [name, allowed] of Object.entries(dropped ?? {})) {
      const a = node.attrs[name];
      if (!a) continue;
      if (allowed !== undefined && attrNumbers(a) !== allowed) {
        throw new ImportError(`node '${node.name}' (${node.opType}): ${name}=${attrNumbers(a)} (opset ${opset}) has no counterpart in later opsets`);
      }
      delete node.attrs[name];
    }
    const moved = MOVED_TO_INPUTS[node.opType];
    if (!moved || opset >= moved[0]) continue;
    const [, names] = moved;
    if (!names.some((n) => node.attrs[n])) continue;
    const inputs: (Value | null)[] = [node.inputs[0] ?? null];
    for (const name of names) {
      const a = node.attrs[name];
      inputs.push(a ? constantInput(graph, node, name, a) : null);
      delete node.attrs[name];
    }
    while (inputs.length > 1 && inputs[inputs.length - 1] === null) inputs.pop();
    node.inputs = inputs;
  }
}
