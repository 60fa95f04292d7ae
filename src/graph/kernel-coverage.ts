// Does every node of a model have a kernel on a given ONNX Runtime execution provider?
// Checked against a table of registered kernels (kernel-tables/ort-kernels.json, made from ONNX
// Runtime's docs/OperatorKernels.md): op, domain, opset range, and the element types each type
// constraint accepts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DType, Graph, Model, Node, Value } from './types';
import { PACKAGE_ROOT } from '../io/package-root';
import { ExecutionProvider, PROVIDERS } from '../runtime/providers';

/** The tables kept in the repository (see kernel-tables/README.md for their sources). */
/** The kernel table shipped for a provider (kernel-tables/, named in the provider table). */
export const kernelTableFile = (ep: ExecutionProvider) => resolve(PACKAGE_ROOT, 'kernel-tables', PROVIDERS[ep].kernelTable);
export const DEFAULT_KERNEL_TABLE = kernelTableFile('cuda');
export const DEFAULT_WEBGPU_KERNEL_TABLE = kernelTableFile('webgpu');

export interface KernelEntry {
  since: number;
  until: number | null;
  types: Record<string, string[]>;
}
export interface KernelTable {
  /** Where the table comes from (free-form: a file and commit, or the runtime that was probed). */
  source?: object;
  providers: Record<string, Record<string, Record<string, KernelEntry[]>>>;
}

/** Read and sanity-check a kernel table; `fail(why)` makes the error to throw. */
export function readKernelTable(file: string, fail: (why: string) => Error): KernelTable {
  if (!existsSync(file)) throw fail('no kernel table there');
  if (!statSync(file).isFile()) throw fail('is a directory, not a kernel table');
  let table: unknown;
  try {
    table = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw fail('not JSON');
  }
  const providers = (table as KernelTable | null)?.providers;
  if (typeof providers !== 'object' || providers === null || Array.isArray(providers)) throw fail('not a kernel table (no "providers" object)');
  return table as KernelTable;
}

/** Which type constraint governs each input of the ops the project emits (from the ONNX schemas); null = fixed type. */
const INPUT_CONSTRAINTS: Record<string, (string | null)[]> = {
  Cast: ['T1'], ConstantOfShape: ['T1'], Where: ['B', 'T', 'T'], Identity: ['V'],
  Gather: ['T', 'Tind'], GatherElements: ['T', 'Tind'], ScatterElements: ['T', 'Tind', 'T'],
  Reshape: ['T', 'shape'], Unsqueeze: ['T', null], Expand: ['T', null],
  ReduceSum: ['T', null], ReduceMean: ['T', null], ReduceMax: ['T', null],
  Loop: ['I', 'B'],
  Pow: ['T', 'T1'],
  Dropout: ['T', 'T1', 'T2'], BatchNormalization: ['T', 'T1', 'T1', 'T2', 'T2'],
  Slice: ['T', 'Tind', 'Tind', 'Tind', 'Tind'], Pad: ['T', null, 'T', 'Tind'],
};
/** The constraint of inputs past the listed ones (variadic inputs), when it is not 'T'. */
const REST_CONSTRAINT: Record<string, string> = { Loop: 'V' };
/** Output constraints that differ from the inputs' (the output type is chosen by an attribute). */
const OUTPUT_CONSTRAINTS: Record<string, string> = { Cast: 'T2', ConstantOfShape: 'T2' };

export const TYPE_STRING: Record<DType, string> = { float32: 'tensor(float)', int64: 'tensor(int64)', bool: 'tensor(bool)' };

/**
 * The type constraints that govern a node's element types, with the value each applies to: one
 * per input (null for an input of fixed type), and the output where an attribute chooses its type.
 */
export function typedValues(node: Node): [Value, string][] {
  const constraints = INPUT_CONSTRAINTS[node.opType];
  const rest = REST_CONSTRAINT[node.opType] ?? 'T';
  const typed: [Value | null, string | null][] = node.inputs.map((v, i) => [v, constraints && i < constraints.length ? constraints[i] : rest]);
  const out = OUTPUT_CONSTRAINTS[node.opType];
  if (out) typed.push([node.outputs[0], out]);
  return typed.filter((t): t is [Value, string] => !!t[0] && !!t[1]);
}

export interface CoverageProblem {
  node: string;
  opType: string;
  reason: string;
}

function checkNode(node: Node, opset: number, kernels: Record<string, KernelEntry[]> | undefined): string | undefined {
  const entries = kernels?.[node.opType];
  if (!entries) return 'no kernel for this op';
  const entry = entries.find((e) => e.since <= opset && (e.until === null || opset <= e.until));
  if (!entry) return `no kernel for opset ${opset} (kernels: ${entries.map((e) => `${e.since}-${e.until ?? ''}`).join(', ')})`;
  for (const [v, constraint] of typedValues(node)) {
    const allowed = entry.types[constraint];
    if (allowed && !allowed.includes(TYPE_STRING[v.dtype])) {
      return `type ${TYPE_STRING[v.dtype]} of '${v.name}' not in ${constraint} = [${allowed.join(', ')}]`;
    }
  }
  return undefined;
}

/**
 * Control flow that runs on the host by design: each Loop node and the producers of its trip count
 * and condition (ONNX Runtime reads those on the CPU). A Loop's body is device work all the same.
 */
export function loopControlNodes(model: Model): Set<string> {
  const control = new Set<string>();
  const visit = (graph: Graph) => {
    for (const node of graph.nodes) {
      if (node.opType === 'Loop') {
        control.add(node.name);
        for (const v of node.inputs.slice(0, 2)) {
          const producer = v && graph.nodes.find((n) => n.outputs.includes(v));
          if (producer) control.add(producer.name);
        }
      }
      for (const a of Object.values(node.attrs)) if (a.kind === 'graph') visit(a.value);
    }
  };
  visit(model.graph);
  return control;
}

/**
 * Nodes of `model` that the provider cannot run (they would fall back to the CPU, or fail). With
 * `hostControl`, Loop control nodes (loopControlNodes) the provider has no kernel for are returned
 * there instead of as problems.
 */
export function uncoveredNodes(model: Model, table: KernelTable, provider: string, hostControl?: CoverageProblem[]): CoverageProblem[] {
  const byDomain = table.providers[provider];
  if (!byDomain) throw new Error(`kernel table has no provider '${provider}'`);
  const control = hostControl ? loopControlNodes(model) : new Set<string>();
  const problems: CoverageProblem[] = [];
  const visit = (graph: Graph) => {
    for (const node of graph.nodes) {
      const domain = node.domain === '' ? 'ai.onnx' : node.domain;
      const opset = model.opsets[node.domain] ?? model.opsets[domain];
      const reason = opset === undefined ? `no opset import for domain '${node.domain}'` : checkNode(node, opset, byDomain[domain]);
      if (reason) (control.has(node.name) ? hostControl! : problems).push({ node: node.name, opType: node.opType, reason });
      // A Loop/If/Scan body runs on the provider too: its nodes need kernels as well.
      for (const a of Object.values(node.attrs)) if (a.kind === 'graph') visit(a.value);
    }
  };
  visit(model.graph);
  return problems;
}
