// The rules of an ONNX graph that the project relies on before reading one: every value made once
// (no node output that repeats another, an input or an initializer), every input made by an
// earlier node, a graph input or an initializer (ONNX's topological order; a cycle breaks it), an
// ai.onnx opset that exists, and each node's operator set imported by the model. Each broken rule
// is one line naming the node; the callers raise it.

/** The newest ai.onnx opset of the ONNX releases this project knows (onnx 1.23). */
export const NEWEST_OPSET = 28;

/** What the rules look at: names only (absent optional inputs as '' or null). */
export interface GraphOutline {
  inputs: readonly string[];
  initializers: readonly string[];
  nodes: readonly { name: string; opType: string; domain: string; inputs: readonly (string | null)[]; outputs: readonly string[] }[];
  /** The model's operator sets and their versions ('' is ai.onnx). */
  opsets: Readonly<Record<string, number>>;
}

export const nodeShown = (node: { name: string; opType: string; outputs: readonly string[] }) => {
  const name = node.name || node.outputs[0];
  return `${name ? `node '${name}'` : 'a node without a name or outputs'} (${node.opType || 'no operator'})`;
};

/** The first rule `graph` breaks, as a sentence, or undefined. */
export function brokenGraphRule(graph: GraphOutline): string | undefined {
  const opset = graph.opsets[''] ?? graph.opsets['ai.onnx'];
  if (opset !== undefined && opset > NEWEST_OPSET) return `ai.onnx opset ${opset} is newer than any this project knows (up to ${NEWEST_OPSET})`;
  const made = new Map<string, string>();
  const claim = (value: string, by: string) => {
    const before = made.get(value);
    if (before !== undefined) return `'${value}' is made twice, by ${before} and by ${by}; every value needs a name of its own`;
    made.set(value, by);
    return undefined;
  };
  const initialized = new Set(graph.initializers);
  const first = (messages: (string | undefined)[]) => messages.find((m) => m !== undefined);
  const twice = first([...graph.initializers.map((t) => claim(t, 'an initializer')), ...graph.inputs.filter((v) => !initialized.has(v)).map((v) => claim(v, 'a graph input'))]);
  if (twice) return twice;
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  for (const node of graph.nodes) {
    if (!node.opType) return `${nodeShown(node)}: every node must name its operator`;
    const domain = node.domain === 'ai.onnx' ? '' : node.domain;
    if (graph.opsets[domain] === undefined && !(domain === '' && graph.opsets['ai.onnx'] !== undefined)) {
      return `${nodeShown(node)} is from operator set '${domain || 'ai.onnx'}', which the model does not import`;
    }
    for (const input of node.inputs) {
      if (!input || made.has(input)) continue;
      const later = producer.get(input);
      if (later) return `${nodeShown(node)} reads '${input}' before ${nodeShown(later)} makes it (the nodes are not in order, or form a cycle)`;
      return `${nodeShown(node)} reads '${input}', which no graph input, initializer or node makes`;
    }
    const again = first(node.outputs.filter((o) => o).map((o) => claim(o, nodeShown(node))));
    if (again) return again;
  }
  return undefined;
}
