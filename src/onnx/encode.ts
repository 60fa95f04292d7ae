// IR -> ONNX ModelProto bytes. Deterministic: the same model always gives the same bytes
// (attributes and metadata sorted by name; tensors stored as little-endian raw_data).
import { AttrValue, Graph, Model, Tensor, Value } from '../graph/types';
import { ATTRIBUTE_TYPE, DATA_TYPE, ModelProto } from './onnx-schema';

function rawBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

export function tensorToProto(t: Tensor) {
  return { dims: t.dims, dataType: DATA_TYPE[t.dtype], name: t.name, rawData: rawBytes(t) };
}

/** Declared dims: static sizes and plain symbols ('N'); anything derived leaves the shape undeclared. */
function valueInfo(v: Value) {
  const shape = v.shape;
  const declarable = shape && shape.every((d) => typeof d === 'number' || /^[A-Za-z_][\w]*$/.test(d));
  const tensorType: Record<string, unknown> = { elemType: DATA_TYPE[v.dtype] };
  if (declarable) {
    tensorType.shape = { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  }
  if (v.sequence) return { name: v.name, type: { sequenceType: { elemType: { tensorType } } } };
  return { name: v.name, type: { tensorType } };
}

type ProtoObject = Record<string, unknown>;

function attributeToProto(name: string, a: AttrValue): ProtoObject {
  switch (a.kind) {
    case 'int': return { name, type: ATTRIBUTE_TYPE.int, i: a.value };
    case 'ints': return { name, type: ATTRIBUTE_TYPE.ints, ints: a.value };
    case 'float': return { name, type: ATTRIBUTE_TYPE.float, f: a.value };
    case 'floats': return { name, type: ATTRIBUTE_TYPE.floats, floats: a.value };
    case 'string': return { name, type: ATTRIBUTE_TYPE.string, s: new TextEncoder().encode(a.value) };
    case 'tensor': return { name, type: ATTRIBUTE_TYPE.tensor, t: tensorToProto(a.value) };
    case 'graph': return { name, type: ATTRIBUTE_TYPE.graph, g: graphToProto(a.value) };
  }
}

export function graphToProto(g: Graph): ProtoObject {
  return {
    name: g.name,
    docString: g.docString,
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
    initializer: g.initializers.map(tensorToProto),
    node: g.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      domain: n.domain || undefined,
      input: n.inputs.map((v) => (v ? v.name : '')),
      output: n.outputs.map((v) => v.name),
      attribute: Object.keys(n.attrs)
        .sort()
        .map((k) => attributeToProto(k, n.attrs[k])),
    })),
  };
}

export function encodeModel(m: Model): Uint8Array {
  const opsets = Object.keys(m.opsets).sort();
  const metadata = Object.keys(m.metadata ?? {}).sort();
  const message = ModelProto.fromObject({
    irVersion: m.irVersion,
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    docString: m.docString,
    graph: graphToProto(m.graph),
    opsetImport: opsets.map((domain) => ({ domain, version: m.opsets[domain] })),
    metadataProps: metadata.map((key) => ({ key, value: m.metadata![key] })),
  });
  return ModelProto.encode(message).finish();
}
