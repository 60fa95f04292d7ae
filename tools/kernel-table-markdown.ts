// ONNX Runtime's docs/OperatorKernels.md (generated upstream from the kernels a build registers)
// turned into the KernelTable that kernel-coverage.ts checks graphs against.
//
// The Markdown has one section per execution provider, headed by `<a name="...executionprovider"/>`,
// holding one table: a `|**Operator Domain:** *ai.onnx*||||` row opens each domain; an op's first
// row names it, and each further row with empty first cells adds one more opset range of it:
//   |Abs|*in* X:**T**<br> *out* Y:**T**|13+|**T** = tensor(double), tensor(float)|
//   |||[6, 12]|**T** = tensor(double), tensor(float)|
import type { KernelEntry, KernelTable } from '../src/graph/kernel-coverage';

export interface KernelTableSource {
  repo: string;
  path: string;
  commit: string;
}

/** "13+" -> since 13, open; "[6, 12]" -> 6..12; "11" -> 11..11. */
function parseVersions(cell: string): Pick<KernelEntry, 'since' | 'until'> {
  const text = cell.trim();
  let m = /^(\d+)\+$/.exec(text);
  if (m) return { since: Number(m[1]), until: null };
  m = /^\[(\d+),\s*(\d+)\]$/.exec(text);
  if (m) return { since: Number(m[1]), until: Number(m[2]) };
  m = /^(\d+)$/.exec(text);
  if (m) return { since: Number(m[1]), until: Number(m[1]) };
  throw new Error(`unreadable opset version cell "${cell}"`);
}

/** "**T** = tensor(float), tensor(int64)<br/> **T1** = tensor(bool)" -> { T: [...], T1: [...] }. */
function parseTypes(cell: string): Record<string, string[]> {
  const types: Record<string, string[]> = {};
  for (const part of cell.split(/<br\s*\/?>/)) {
    const m = /^\s*\*\*(\w+)\*\*\s*=\s*(.*)$/.exec(part);
    if (!m) continue;
    // Type strings may hold commas themselves (map(int64,tensor(float))): split only at depth 0.
    const list: string[] = [];
    let depth = 0;
    let current = '';
    for (const ch of m[2]) {
      if (ch === ',' && depth === 0) {
        list.push(current.trim());
        current = '';
        continue;
      }
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      current += ch;
    }
    if (current.trim()) list.push(current.trim());
    types[m[1]] = list;
  }
  return types;
}

/** The kernel tables of `providers` (default: CPU and CUDA) in an OperatorKernels.md. */
export function kernelTableFromMarkdown(
  markdown: string,
  source: KernelTableSource,
  providers: readonly string[] = ['CUDAExecutionProvider', 'CPUExecutionProvider'],
): KernelTable & { source: KernelTableSource } {
  const tables: KernelTable['providers'] = {};
  let provider: string | undefined;
  let domain: string | undefined;
  let op: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## Operators implemented by (\w+)/.exec(line);
    if (heading) {
      provider = providers.includes(heading[1]) ? heading[1] : undefined;
      if (provider) tables[provider] = {};
      domain = op = undefined;
      continue;
    }
    if (!provider || !line.startsWith('|')) continue;
    const domainRow = /^\|\*\*Operator Domain:\*\* \*([\w.]+)\*/.exec(line);
    if (domainRow) {
      domain = domainRow[1];
      tables[provider][domain] = {};
      op = undefined;
      continue;
    }
    const cells = line.split('|').slice(1, -1);
    if (cells.length !== 4 || !domain || /^-+$/.test(cells[0]) || cells[0] === 'Op Name') continue;
    if (cells[0]) op = cells[0].trim();
    if (!op) continue;
    const entries = (tables[provider][domain][op] ??= []);
    entries.push({ ...parseVersions(cells[2]), types: parseTypes(cells[3]) });
  }
  for (const p of providers) if (!tables[p]) throw new Error(`no table for ${p} in the Markdown`);
  return { source, providers: tables };
}
