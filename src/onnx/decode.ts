// ONNX ModelProto bytes -> IR. Reads what encode.ts writes (raw_data or typed data fields).
import { AttrValue, DType, Dim, Graph, Model, Node, Tensor, Value } from '../graph/types';
import { OnnxDecodeError } from './decode-error';
import { ATTRIBUTE_TYPE, DATA_TYPE, ModelProto } from './onnx-schema';
import { checkTensorData } from './tensor-sizes';

export { OnnxDecodeError } from './decode-error';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */
const num = (x: any): number => (x === undefined || x === null ? 0 : typeof x === 'number' ? x : Number(x.toString()));

const DTYPE_OF: Record<number, DType> = {
  [DATA_TYPE.float32]: 'float32',
  [DATA_TYPE.int64]: 'int64',
  [DATA_TYPE.bool]: 'bool',
};

const FLOAT16 = 10;

function dtypeOf(code: number, what: string): DType {
  const d = DTYPE_OF[code];
  if (code === FLOAT16) throw new OnnxDecodeError(`${what}: float16 (a half-precision model); convert the model to float32 first`);
  if (!d) throw new OnnxDecodeError(`${what}: unsupported ONNX data type ${code} (supported: float, int64, bool)`);
  return d;
}

/** Reads the bytes of a tensor stored outside the model file: (location, offset, length) -> bytes. */
export type ExternalData = (location: string, offset: number, length: number | undefined) => Uint8Array;

/** TensorProto.data_location of a tensor kept in an external file. */
export const EXTERNAL = 1;

/** The bytes of tensor `p` kept in an external file, through `read` (absent: refused, the model came as bytes). */
export function externalBytes(p: any, read: ExternalData | undefined): Uint8Array {
  const entry = Object.fromEntries((p.externalData ?? []).map((e: any) => [e.key, e.value]));
  if (!read) throw new OnnxDecodeError(`tensor '${p.name}': its data is in an external file ('${entry.location}'), and the model was given as bytes`);
  return read(entry.location, Number(entry.offset ?? 0), entry.length === undefined ? undefined : Number(entry.length));
}

function tensorFromProto(p: any, read?: ExternalData): Tensor {
  const dtype = dtypeOf(p.dataType, `tensor '${p.name}'`);
  const dims: number[] = (p.dims ?? []).map(num);
  const stored: Uint8Array | undefined = p.dataLocation === EXTERNAL ? externalBytes(p, read) : p.rawData;
  const raw: Uint8Array | undefined = stored && stored.length ? stored : undefined;
  checkTensorData(p, raw);
  const count = dims.reduce((a, d) => a * d, 1);
  let data: Tensor['data'];
  if (raw) {
    const copy = new Uint8Array(raw); // aligned copy
    data = dtype === 'float32' ? new Float32Array(copy.buffer) : dtype === 'int64' ? new BigInt64Array(copy.buffer) : copy;
  } else if (dtype === 'float32') data = Float32Array.from(p.floatData ?? []);
  else if (dtype === 'int64') data = BigInt64Array.from((p.int64Data ?? []).map((x: any) => BigInt(x.toString())));
  else data = Uint8Array.from(p.int32Data ?? []);
  if (data.length !== count) {
    throw new OnnxDecodeError(`tensor '${p.name}': ${data.length} values for dims [${dims}]`);
  }
  return { name: p.name, dtype, dims, data };
}

function valueFromProto(p: any): Value {
  const seq = p.type?.sequenceType?.elemType?.tensorType;
  const t = seq ?? p.type?.tensorType;
  const dims: Dim[] | undefined = t?.shape?.dim?.map((d: any) => (d.dimParam ? d.dimParam : num(d.dimValue)));
  return { name: p.name, dtype: dtypeOf(t?.elemType ?? 0, `value '${p.name}'`), shape: dims, ...(seq ? { sequence: true } : {}) };
}

function attributeFromProto(a: any): AttrValue {
  switch (a.type) {
    case ATTRIBUTE_TYPE.int: return { kind: 'int', value: num(a.i) };
    case ATTRIBUTE_TYPE.ints: return { kind: 'ints', value: (a.ints ?? []).map(num) };
    case ATTRIBUTE_TYPE.float: return { kind: 'float', value: a.f ?? 0 };
    case ATTRIBUTE_TYPE.floats: return { kind: 'floats', value: [...(a.floats ?? [])] };
    case ATTRIBUTE_TYPE.string: return { kind: 'string', value: new TextDecoder().decode(a.s) };
    case ATTRIBUTE_TYPE.tensor: return { kind: 'tensor', value: tensorFromProto(a.t) };
    case ATTRIBUTE_TYPE.graph: return { kind: 'graph', value: graphFromProto(a.g) };
    default: throw new OnnxDecodeError(`attribute '${a.name}': unsupported attribute type ${a.type}`);
  }
}

export function graphFromProto(g: any, read?: ExternalData): Graph {
  const values = new Map<string, Value>();
  const inputs = (g.input ?? []).map(valueFromProto);
  const outputs = (g.output ?? []).map(valueFromProto);
  const initializers = (g.initializer ?? []).map((t: any) => tensorFromProto(t, read));
  for (const v of [...inputs, ...outputs]) values.set(v.name, v);
  for (const t of initializers) if (!values.has(t.name)) values.set(t.name, { name: t.name, dtype: t.dtype, shape: t.dims });
  // Intermediate dtypes are not stored in the file; they are left as float32 placeholders.
  const valueNamed = (name: string): Value => {
    let v = values.get(name);
    if (!v) values.set(name, (v = { name, dtype: 'float32' }));
    return v;
  };
  const nodes: Node[] = (g.node ?? []).map((n: any) => ({
    name: n.name ?? '',
    opType: n.opType,
    domain: n.domain ?? '',
    inputs: (n.input ?? []).map((name: string) => (name === '' ? null : valueNamed(name))),
    outputs: (n.output ?? []).map(valueNamed),
    attrs: Object.fromEntries((n.attribute ?? []).map((a: any) => [a.name, attributeFromProto(a)])),
  }));
  // Graph outputs share Value objects with the nodes that produce them.
  return {
    name: g.name ?? '',
    inputs,
    outputs: outputs.map((o: Value) => values.get(o.name)!),
    nodes,
    initializers,
    docString: g.docString || undefined,
  };
}

/** The raw ModelProto message, or a clear error when the bytes are not an ONNX model. */
export function decodeModelProto(bytes: Uint8Array): any {
  let m: any;
  try {
    m = ModelProto.decode(bytes);
  } catch (e) {
    const why = (e as Error).message;
    // protobufjs stops at 100 nested messages: three per subgraph level (graph, node, attribute).
    if (why === 'max depth exceeded') throw new OnnxDecodeError('subgraphs (If/Loop/Scan bodies) nested more than about 30 deep; refused');
    throw new OnnxDecodeError(`not an ONNX model (${why})`);
  }
  if (!m.graph) throw new OnnxDecodeError('not an ONNX model (no graph)');
  return m;
}

/** The model in `bytes`; `read` fetches initializers stored in external files (absent: refused). */
export function decodeModel(bytes: Uint8Array, read?: ExternalData): Model {
  const m = decodeModelProto(bytes);
  return {
    graph: graphFromProto(m.graph, read),
    opsets: Object.fromEntries((m.opsetImport ?? []).map((o: any) => [o.domain ?? '', num(o.version)])),
    irVersion: num(m.irVersion),
    producerName: m.producerName ?? '',
    producerVersion: m.producerVersion ?? '',
    docString: m.docString || undefined,
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p: any) => [p.key, p.value])),
  };
}

/** The initializers whose data the model keeps in external files. */
export function externalTensorNames(bytes: Uint8Array): string[] {
  return (decodeModelProto(bytes).graph.initializer ?? []).filter((t: any) => t.dataLocation === EXTERNAL).map((t: any) => t.name);
}

export interface IoSpec {
  name: string;
  /** ONNX element type code (1 = float); 0 when not a tensor. */
  elemType: number;
  dims?: Dim[];
}

/** A model's graph inputs (initializers excluded), outputs and metadata, without decoding any tensor data. */
export function readSignature(bytes: Uint8Array): { inputs: IoSpec[]; outputs: IoSpec[]; metadata: Record<string, string> } {
  const m = decodeModelProto(bytes);
  const initialized = new Set((m.graph.initializer ?? []).map((t: any) => t.name));
  const spec = (p: any): IoSpec => {
    const t = p.type?.tensorType;
    return {
      name: p.name,
      elemType: t?.elemType ?? 0,
      dims: t?.shape?.dim?.map((d: any) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? num(d.dimValue) : '?')),
    };
  };
  return {
    inputs: (m.graph.input ?? []).filter((v: any) => !initialized.has(v.name)).map(spec),
    outputs: (m.graph.output ?? []).map(spec),
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p: any) => [p.key, p.value])),
  };
}
