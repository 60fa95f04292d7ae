// The rules of an ONNX graph that the importer relies on, checked before it reads the graph: every
// value made once (no node output that repeats another, an input or an initializer), every input
// made by an earlier node (ONNX's topological order; a cycle breaks it), an opset that exists, and
// only the standard operator set among the nodes the model uses. A file breaking one is refused in
// one line naming the node.
import { Graph, Node } from '../graph/types';
import { ImportError } from './import-error';

/** The newest ai.onnx opset of the ONNX releases this project knows (onnx 1.23). */
export const NEWEST_OPSET = 28;

const where = (node: Node) => `node '${node.name || node.outputs[0]?.name}' (${node.opType})`;

export function checkStructure(graph: Graph, name: string, opset: number): void {
  if (opset > NEWEST_OPSET) throw new ImportError(`${name}: ai.onnx opset ${opset} is newer than any this project knows (up to ${NEWEST_OPSET})`);
  const made = new Map<string, string>();
  const claim = (value: string, by: string) => {
    const before = made.get(value);
    if (before !== undefined) throw new ImportError(`${name}: '${value}' is made twice, by ${before} and by ${by}; every value needs a name of its own`);
    made.set(value, by);
  };
  graph.initializers.forEach((t) => claim(t.name, 'an initializer'));
  graph.inputs.filter((v) => !graph.initializers.some((t) => t.name === v.name)).forEach((v) => claim(v.name, 'a graph input'));
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o.name, n] as const)));
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (!input || made.has(input.name)) continue;
      const later = producer.get(input.name);
      if (later) throw new ImportError(`${name}: ${where(node)} reads '${input.name}' before ${where(later)} makes it (the nodes are not in order, or form a cycle)`);
    }
    node.outputs.filter((o) => o.name).forEach((o) => claim(o.name, where(node)));
  }
}

/** The nodes the scores depend on use only the standard operators (a 'Relu' of another domain is not ONNX's Relu). */
export function checkDomains(nodes: readonly Node[], name: string): void {
  const foreign = nodes.find((n) => n.domain && n.domain !== 'ai.onnx');
  if (foreign) throw new ImportError(`${name}: ${where(foreign)} is from operator set '${foreign.domain}'; only the standard ONNX operators (ai.onnx) can be imported`);
}
