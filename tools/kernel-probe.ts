// Which kernels does an execution provider have, for the nodes the project emits? ONNX Runtime's
// WebGPU provider has no published kernel table, so it is measured: one model holds a copy of each
// distinct node signature (op and element types), each copy fed by its own graph inputs (constant
// inputs stay constants); loaded with graph optimizations off, the placements ONNX Runtime reports
// then tell, signature by signature, whether the provider has a kernel for it.
import { KernelEntry, KernelTable, TYPE_STRING, typedValues } from '../src/graph/kernel-coverage';
import { Graph, Model, Node, Tensor, Value } from '../src/graph/types';

export interface ProbeNode {
  node: Node;
  /** Its constant inputs (initializers of the graph it came from). */
  constants: Map<Value, Tensor>;
}

const signatureOf = (n: Node) => `${n.opType}(${n.inputs.map((v) => v?.dtype ?? '-').join(',')})->${n.outputs.map((v) => v.dtype).join(',')}`;

/** One node per distinct signature in the models (Loop bodies included; Loop nodes themselves left out). */
export function distinctSignatures(models: readonly Model[]): Map<string, ProbeNode> {
  const found = new Map<string, ProbeNode>();
  const visit = (g: Graph) => {
    const constants = new Map(g.initializers.map((t) => [t.name, t]));
    for (const node of g.nodes) {
      for (const a of Object.values(node.attrs)) if (a.kind === 'graph') visit(a.value);
      if (node.opType === 'Loop' || node.domain !== '') continue;
      const key = signatureOf(node);
      if (found.has(key)) continue;
      const own = new Map<Value, Tensor>();
      for (const v of node.inputs) if (v && constants.has(v.name)) own.set(v, constants.get(v.name)!);
      found.set(key, { node, constants: own });
    }
  };
  models.forEach((m) => visit(m.graph));
  return found;
}

/** The probe model: node i of `probes` as `probe_<i>`, on values of its own. */
export function probeModel(probes: readonly ProbeNode[], opset: number): Model {
  const graph: Graph = { name: 'kernel_probe', inputs: [], outputs: [], nodes: [], initializers: [] };
  probes.forEach(({ node, constants }, i) => {
    const inputs = node.inputs.map((v, k) => {
      if (!v) return null;
      const copy: Value = { name: `probe_${i}_in_${k}`, dtype: v.dtype, shape: v.shape };
      const constant = constants.get(v);
      if (constant) graph.initializers.push({ ...constant, name: copy.name });
      else graph.inputs.push(copy);
      return copy;
    });
    const outputs = node.outputs.map((v, k): Value => ({ name: `probe_${i}_out_${k}`, dtype: v.dtype }));
    graph.outputs.push(...outputs);
    graph.nodes.push({ ...node, name: `probe_${i}`, inputs, outputs });
  });
  return { graph, opsets: { '': opset }, irVersion: 8, producerName: 'kernel-probe', producerVersion: '1' };
}

/**
 * A kernel table (the shape of kernel-tables/ort-kernels.json) from the probe: for each op, the
 * element types of the signatures the provider ran, recorded for the probed opset only.
 */
export function tableFromProbe(probes: readonly ProbeNode[], onProvider: (probeIndex: number) => boolean, provider: string, opset: number, source: Record<string, string>): KernelTable {
  const ops: Record<string, KernelEntry[]> = {};
  probes.forEach(({ node }, i) => {
    if (!onProvider(i)) return;
    const entry = (ops[node.opType] ??= [{ since: opset, until: opset, types: {} }])[0];
    for (const [v, constraint] of typedValues(node)) {
      const types = (entry.types[constraint] ??= []);
      if (!types.includes(TYPE_STRING[v.dtype])) types.push(TYPE_STRING[v.dtype]);
    }
  });
  const sorted = Object.fromEntries(Object.keys(ops).sort().map((op) => [op, ops[op]]));
  return { source, providers: { [provider]: { 'ai.onnx': sorted } } };
}
