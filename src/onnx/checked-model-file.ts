// A model file checked before ONNX Runtime loads it to score pictures (evaluate, predict): the
// checks the importer makes on the graph, in the same words, for a file of any tensor type. Its
// tensors' dims and data agree (before anything is allocated), external data comes only from the
// model's folder and is moved into the bytes ONNX Runtime gets, and the graph keeps ONNX's rules.
import { EXTERNAL, ExternalData, OnnxDecodeError, decodeModelProto, externalBytes } from './decode';
import { brokenGraphRule } from './graph-rules';
import { inlineInitializerBytes } from './replace-initializers';
import { checkTensorData } from './tensor-sizes';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */

/** Every tensor stored in the graph and in its subgraphs (initializers, Constant values); `top`: the model graph's initializers. */
function* storedTensors(g: any, top = true): Generator<{ t: any; top: boolean }> {
  for (const t of g.initializer ?? []) yield { t, top };
  for (const node of g.node ?? []) {
    for (const a of node.attribute ?? []) {
      if (a.t) yield { t: a.t, top: false };
      if (a.g) yield* storedTensors(a.g, false);
    }
  }
}

/**
 * The bytes for ONNX Runtime: `bytes` itself, or, when tensors live in external files, a copy that
 * holds their data (read through `read`; without it such a file is refused). Throws
 * OnnxDecodeError with one line naming the tensor, node or field.
 */
export function checkedModelFile(bytes: Uint8Array, read?: ExternalData): Uint8Array {
  const m = decodeModelProto(bytes);
  const external = new Map<string, Uint8Array>();
  for (const { t, top } of storedTensors(m.graph)) {
    if (t.dataLocation !== EXTERNAL) {
      checkTensorData(t, t.rawData);
      continue;
    }
    if (!top) throw new OnnxDecodeError(`tensor '${t.name}': external data inside a subgraph or an attribute is not read; refused`);
    const data = externalBytes(t, read);
    checkTensorData(t, data);
    external.set(t.name, data);
  }
  const g = m.graph;
  const broken = brokenGraphRule({
    opsets: Object.fromEntries((m.opsetImport ?? []).map((o: any) => [o.domain ?? '', Number(o.version ?? 0)])),
    inputs: (g.input ?? []).map((v: any) => v.name),
    initializers: (g.initializer ?? []).map((t: any) => t.name),
    nodes: (g.node ?? []).map((n: any) => ({ name: n.name ?? '', opType: n.opType ?? '', domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [] })),
  });
  if (broken) throw new OnnxDecodeError(broken);
  return external.size ? inlineInitializerBytes(bytes, external) : bytes;
}
