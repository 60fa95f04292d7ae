// Regenerates kernel-tables/ort-webgpu-kernels.json by asking the installed onnxruntime-node which
// node signatures its WebGPU provider runs (tools/kernel-probe.ts): every signature of every
// graph the project emits, for its own models and for the benchmark networks (the layers imported
// models bring: ReLU6's Clip, depthwise convolutions), and the ops the project avoids because
// WebGPU lacks them. Needs a WebGPU
// adapter (a GPU, or the software one: see README, "WebGPU").
//   node --import tsx tools/probe-webgpu-kernels.ts [--out FILE]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_NETWORKS } from '../bench/networks';
import { emittedModels, graphsOf } from '../src/cli/emitted-models';
import { GraphBuilder } from '../src/graph/graph-builder';
import { distinctSignatures, probeModel, tableFromProbe } from './kernel-probe';
import { OPSET } from '../src/graph/model-definition';
import { writeFileAtomic } from '../src/io/atomic-write';
import { encodeModel } from '../src/onnx/encode';
import { nodePlacements } from '../src/runtime/placements';
import { asModel } from '../src/training/graphs/step-graph';

const { values } = parseArgs({ options: { out: { type: 'string', default: resolve(__dirname, '../kernel-tables/ort-webgpu-kernels.json') } } });

/** What the earlier training graphs used and WebGPU turned out to lack (kept in the probe so the table says so). */
function avoidedOps() {
  const b = new GraphBuilder('avoided');
  const x = b.input('x', 'float32', [2, 10]);
  const y = b.input('y', 'int64', [2]);
  b.output(b.logSoftmax(x, 1), 'log_probs');
  b.output(b.size(x), 'size');
  b.output(b.zerosLike(x), 'zeros');
  b.output(b.spaceToDepth(b.input('image', 'float32', [1, 1, 4, 4]), 2), 'blocks');
  b.output(b.unsqueeze(y, [1]), 'column');
  b.output(b.equal(y, y), 'same');
  b.output(b.cast(y, 'float32'), 'as_float');
  b.output(b.reduceSum(y, [0], false), 'total');
  return asModel(b.build());
}

async function main() {
  const benchGraphs = Object.values(BENCH_NETWORKS).flatMap(graphsOf);
  const probes = [...distinctSignatures([...emittedModels(), ...benchGraphs].map(([, m]) => m).concat(avoidedOps())).values()];
  const placed = await nodePlacements(encodeModel(probeModel(probes, OPSET)), 'webgpu', 'on');
  if ('unavailable' in placed) throw new Error(`no WebGPU adapter: ${placed.unavailable}`);
  // ORT's layout transformer replaces a Conv or MaxPool by an NHWC one named <name>_token_<k>
  const probeOf = (name: string) => /^(probe_\d+)(_token_\d+)?$/.exec(name)?.[1];
  const onWebGpu = new Set(placed.nodes.filter((n) => n.provider === 'WebGpuExecutionProvider').map((n) => probeOf(n.name)));
  if (placed.wholeGraphs.some((g) => g.provider === 'WebGpuExecutionProvider')) probes.forEach((_, i) => onWebGpu.add(`probe_${i}`));
  const version = (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  const table = tableFromProbe(probes, (i) => onWebGpu.has(`probe_${i}`), 'WebGpuExecutionProvider', OPSET, {
    runtime: `onnxruntime-node ${version}`,
    method: 'tools/probe-webgpu-kernels.ts: node placements of one model holding a copy of each signature',
    probed: new Date().toISOString().slice(0, 10),
  });
  writeFileAtomic(values.out!, new TextEncoder().encode(`${JSON.stringify(table, null, 1)}\n`));
  const missing = probes.filter((_, i) => !onWebGpu.has(`probe_${i}`)).map(({ node }) => `${node.opType}(${node.inputs.map((v) => v?.dtype ?? '-').join(',')})`);
  console.log(`wrote ${values.out}: ${probes.length} signatures probed, ${probes.length - missing.length} on WebGPU; not: ${missing.join(', ')}`);
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
