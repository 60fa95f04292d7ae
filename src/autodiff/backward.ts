// Reverse-mode differentiation of a graph under construction: adds the backward nodes to the
// same builder and returns d(loss)/d(w) for each requested value, named `<w>_grad`.
import { GraphBuilder } from '../graph/graph-builder';
import { Node, Value } from '../graph/types';
import { matchBatchStatisticsNorm } from './fusions/BatchStatisticsNorm';
import { matchPatchConvolution } from './fusions/PatchConvolution';
import { GRAD_FUSIONS, GRAD_RULES, SUPPORTED_OPS } from './registry';

/**
 * The fused rule whose chain ends at `node`, walking back through input 0 of each node, where each
 * intermediate output is used by the next node only (and is no graph output).
 */
function fusionFor(b: GraphBuilder, node: Node, needsOf: (n: Node) => (i: number) => boolean) {
  const { nodes, outputs } = b;
  for (const fusion of GRAD_FUSIONS) {
    const chain: Node[] = [node];
    while (chain.length < fusion.chain.length) {
      const x = chain[0].inputs[0];
      if (!x || outputs.includes(x) || nodes.filter((n) => n.inputs.includes(x)).length !== 1) break;
      const producer = nodes.find((n) => n.outputs.includes(x));
      if (!producer || producer.domain !== '') break;
      chain.unshift(producer);
    }
    const matches = chain.length === fusion.chain.length && chain.every((n, i) => n.opType === fusion.chain[i]);
    if (matches && (!fusion.applies || fusion.applies(chain, needsOf(chain[0]), b))) return { fusion, chain };
  }
  return undefined;
}

/** Nodes that lie on a path from one of `wrt` to `loss`, in forward (topological) order. */
function activeNodes(nodes: readonly Node[], loss: Value, wrt: readonly Value[]) {
  const dependsOnWrt = new Set<Value>(wrt);
  for (const n of nodes) {
    if (n.inputs.some((v) => v && dependsOnWrt.has(v))) n.outputs.forEach((o) => dependsOnWrt.add(o));
  }
  const feedsLoss = new Set<Value>([loss]);
  const active: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.outputs.some((o) => feedsLoss.has(o))) continue;
    if (!n.inputs.some((v) => v && dependsOnWrt.has(v))) continue;
    n.inputs.forEach((v) => v && feedsLoss.add(v));
    active.unshift(n);
  }
  return { active, dependsOnWrt, feedsLoss };
}

/**
 * d(loss)/d(w) for each w of `wrt`. `loss` is a scalar; or any value whose gradient `seed` the caller
 * already has (a loss's gradient w.r.t. the logits, say), from which the backward pass starts.
 */
export function gradients(b: GraphBuilder, loss: Value, wrt: readonly Value[], seed?: Value): Map<Value, Value> {
  if (!seed && loss.shape && loss.shape.length !== 0) {
    throw new Error(`loss '${loss.name}' must be a scalar, has shape [${loss.shape}]`);
  }
  const { active, dependsOnWrt, feedsLoss } = activeNodes(b.nodes, loss, wrt);
  const activeSet = new Set(active);
  for (const w of wrt) {
    if (!feedsLoss.has(w)) throw new Error(`loss '${loss.name}' does not depend on '${w.name}'`);
  }
  // Fan-out: a value used by several nodes collects one contribution per use; summed with Add.
  const contributions = new Map<Value, Value[]>([[loss, [seed ?? b.f32(1, `${loss.name}_grad_seed`)]]]);
  const named = new Set<Value>();
  const total = (v: Value): Value | undefined => {
    const parts = contributions.get(v);
    if (!parts) return undefined;
    let sum = parts[0];
    for (const p of parts.slice(1)) sum = b.add(sum, p);
    if (!named.has(sum) && !b.inputs.includes(sum) && !b.constantOf(sum)) {
      b.rename(sum, `${v.name}_grad`);
      named.add(sum);
    }
    contributions.set(v, [sum]);
    return sum;
  };

  for (let i = active.length - 1; i >= 0; i--) {
    const node = active[i];
    const rule = GRAD_RULES[node.opType];
    if (!rule || node.domain !== '') {
      throw new Error(`no gradient rule for op '${node.opType}' (node '${node.name}'; supported: ${SUPPORTED_OPS.join(', ')})`);
    }
    if (rule === 'none') throw new Error(`op '${node.opType}' (node '${node.name}') is not differentiable`);
    const dy = total(node.outputs[0]);
    if (!dy) continue; // output 0 does not reach the loss (or a fusion already handled this node)
    const needsOf = (n: Node) => (k: number) => {
      const v = n.inputs[k];
      return !!v && dependsOnWrt.has(v);
    };
    const isActive = (n: Node) => activeSet.has(n);
    const whole = node.opType === 'Add' ? matchBatchStatisticsNorm(b, node, isActive) : node.opType === 'Gemm' || node.opType === 'MatMul' ? matchPatchConvolution(b, node, isActive) : undefined;
    if (whole) {
      for (const [v, g] of whole.rule(dy, (v) => dependsOnWrt.has(v))) contributions.set(v, [...(contributions.get(v) ?? []), g]);
      continue; // as for a chain: the nodes inside get no gradient of their own
    }
    const fused = fusionFor(b, node, needsOf);
    if (fused) {
      const first = fused.chain[0];
      const grads = fused.fusion.rule({ b, dy, chain: fused.chain, needs: needsOf(first) });
      first.inputs.forEach((v, k) => {
        if (!v || !needsOf(first)(k)) return;
        const g = grads[k];
        if (!g) throw new Error(`fused rule ${fused.fusion.chain.join('+')} gave no gradient for input ${k} of '${first.name}'`);
        contributions.set(v, [...(contributions.get(v) ?? []), g]);
      });
      continue; // the chain's inner outputs get no gradient of their own, so those nodes are skipped
    }
    if (node.outputs.slice(1).some((o) => contributions.has(o))) {
      throw new Error(`gradient rule for '${node.opType}' handles only output 0 (node '${node.name}')`);
    }
    const needs = (k: number) => {
      const v = node.inputs[k];
      return !!v && dependsOnWrt.has(v);
    };
    const grads = rule({
      b, node, dy, needs,
      input: (k) => {
        const v = node.inputs[k];
        if (!v) throw new Error(`node '${node.name}': input ${k} is empty`);
        return v;
      },
      output: (k) => node.outputs[k],
    });
    node.inputs.forEach((v, k) => {
      if (!v || !needs(k)) return;
      const g = grads[k];
      if (!g) throw new Error(`gradient rule for '${node.opType}' gave no gradient for input ${k} ('${v.name}')`);
      contributions.set(v, [...(contributions.get(v) ?? []), g]);
    });
  }
  return new Map(wrt.map((w) => [w, total(w)!]));
}
