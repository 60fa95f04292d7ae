// An ONNX file cut and extended at protobuf's wire level: the nodes kept are written byte for byte
// as they were (with the initializers, inputs and value infos they still use), new nodes,
// initializers and outputs are appended, and metadata entries are set. The cut for a new
// classification head; fields the project has no schema for survive in what is kept.
import { Graph, Node, Tensor, Value } from '../graph/types';
import { graphToProto } from './encode';
import { ModelProto, NodeProto, StringStringEntryProto, TensorProto, ValueInfoProto } from './onnx-schema';
import { encodeField, rewriteFields } from './wire-fields';

const MODEL = { graph: 7, metadata: 14 };
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 };

export interface GraphEdit {
  /** The original nodes to keep: each one whose first output is named here. */
  keep: ReadonlySet<string>;
  /** Appended after them; `outputs` replace the graph's outputs. */
  nodes: Node[];
  initializers: Tensor[];
  outputs: Value[];
  /** Entries set in the model's metadata (an entry of the same key is replaced). */
  metadata?: Record<string, string>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */
const decoded = (type: typeof NodeProto, payload: Uint8Array): any => type.decode(payload);

/** `model` (ONNX bytes) with its graph cut to the nodes kept and extended by `edit`. */
export function editGraph(model: Uint8Array, edit: GraphEdit): Uint8Array {
  const irVersion = Number((ModelProto.decode(model) as any).irVersion ?? 0);
  const protos = (g: Partial<Graph>): any => graphToProto({ name: '', inputs: [], outputs: [], nodes: [], initializers: [], ...g });
  const head = protos({ outputs: edit.outputs, nodes: edit.nodes, initializers: edit.initializers });
  const used = new Set(edit.nodes.flatMap((n) => n.inputs.map((v) => v?.name ?? '')));
  const produced = new Set<string>();
  const graph = (bytes: Uint8Array) => {
    // First pass: which original nodes stay, and the tensors they read and make.
    rewriteFields(bytes, (field, payload) => {
      if (field !== GRAPH.node) return undefined;
      const node = decoded(NodeProto, payload);
      if (edit.keep.has(node.output?.[0])) {
        (node.input ?? []).forEach((n: string) => used.add(n));
        (node.output ?? []).forEach((n: string) => produced.add(n));
      }
      return undefined;
    });
    const dropped = new Set<string>();
    const kept = rewriteFields(bytes, (field, payload) => {
      switch (field) {
        case GRAPH.node:
          return edit.keep.has(decoded(NodeProto, payload).output?.[0]) ? undefined : null;
        case GRAPH.initializer: {
          const name = decoded(TensorProto, payload).name;
          if (used.has(name)) return undefined;
          dropped.add(name);
          return null;
        }
        case GRAPH.output:
          return null;
        case GRAPH.valueInfo:
          return produced.has(decoded(ValueInfoProto, payload).name) ? undefined : null;
        default:
          return undefined;
      }
    });
    // Files of IR version 3 list their initializers among the inputs too: drop those of dropped ones, list the new ones.
    const input = (v: Value) => encodeField(GRAPH.input, ValueInfoProto.encode(ValueInfoProto.fromObject(protos({ inputs: [v] }).input[0])).finish());
    const listed = irVersion < 4 ? edit.initializers.map((t) => input({ name: t.name, dtype: t.dtype, shape: t.dims })) : [];
    return rewriteFields(kept, (field, payload) => (field === GRAPH.input && dropped.has(decoded(ValueInfoProto, payload).name) ? null : undefined), [
      ...head.node.map((n: any) => encodeField(GRAPH.node, NodeProto.encode(NodeProto.fromObject(n)).finish())),
      ...head.initializer.map((t: any) => encodeField(GRAPH.initializer, TensorProto.encode(TensorProto.fromObject(t)).finish())),
      ...listed,
      ...head.output.map((v: any) => encodeField(GRAPH.output, ValueInfoProto.encode(ValueInfoProto.fromObject(v)).finish())),
    ]);
  };
  return setMetadata(rewriteFields(model, (field, payload) => (field === MODEL.graph ? graph(payload) : undefined)), edit.metadata ?? {});
}

/** `model` (ONNX bytes) with these metadata entries set (an entry of the same key replaced), every other byte as it was. */
export function setMetadata(model: Uint8Array, metadata: Readonly<Record<string, string>>): Uint8Array {
  const keys = Object.keys(metadata).sort();
  if (!keys.length) return model;
  return rewriteFields(
    model,
    (field, payload) => (field === MODEL.metadata && decoded(StringStringEntryProto, payload).key in metadata ? null : undefined),
    keys.map((key) => encodeField(MODEL.metadata, StringStringEntryProto.encode({ key, value: metadata[key] }).finish())),
  );
}
