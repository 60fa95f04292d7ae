// Where ONNX Runtime actually places each node of a model on an execution provider, as its verbose
// log reports it ("Node(s) placed on [EP]" followed by "OpType (name)" lines, per graph and Loop
// body). The log comes from native code, so the model is loaded in a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutionProvider } from './session';

export interface PlacedNode {
  provider: string;
  opType: string;
  name: string;
}

export type Placements =
  | { nodes: PlacedNode[]; wholeGraphs: { provider: string; count: number }[] }
  | { unavailable: string };

const HEADER = /VerifyEachNodeIsAssignedToAnEp\]\s+(All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/;
const NODE = /VerifyEachNodeIsAssignedToAnEp\]\s{3}(\S+) \((.*)\)\s*$/;

/** Reads the placement lines of ONNX Runtime's verbose log. */
export function parsePlacements(log: string): { nodes: PlacedNode[]; wholeGraphs: { provider: string; count: number }[] } {
  const nodes: PlacedNode[] = [];
  const wholeGraphs: { provider: string; count: number }[] = [];
  let provider: string | undefined;
  for (const line of log.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      provider = header[2];
      if (header[1] === 'All nodes') wholeGraphs.push({ provider, count: Number(header[3]) });
      continue;
    }
    const node = NODE.exec(line);
    if (node && provider) nodes.push({ provider, opType: node[1], name: node[2] });
  }
  return { nodes, wholeGraphs };
}

/**
 * Loads `model` on `ep` in a child process and reports the placements, or why the provider could
 * not start. With graph optimizations on (as training runs) or off (every node as written).
 */
export async function nodePlacements(model: Uint8Array, ep: ExecutionProvider, optimizations: 'on' | 'off' = 'on'): Promise<Placements> {
  const dir = mkdtempSync(join(tmpdir(), 'placements-'));
  try {
    const file = join(dir, 'model.onnx');
    writeFileSync(file, model);
    const probe = join(__dirname, `placement-probe${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
    const { code, out, err } = await new Promise<{ code: number | null; out: string; err: string }>((done, fail) => {
      const child = spawn(process.execPath, [...process.execArgv, probe, file, ep, optimizations === 'off' ? 'disabled' : 'extended'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', fail);
      child.on('close', (c) => done({ code: c, out, err }));
    });
    if (code !== 0) return { unavailable: out.trim() || `the placement probe exited with ${code}: ${err.split('\n').slice(-3).join(' ').trim()}` };
    return parsePlacements(err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
