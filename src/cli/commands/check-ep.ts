// `check-ep`: does every node of every graph the project emits have a kernel on an execution
// provider (no silent fallback to the CPU)? Checked against ONNX Runtime's registered-kernel table
// and, where the provider can start on this machine, against the placements ONNX Runtime reports.
import type { CommandModule, InferredOptionTypes } from 'yargs';
import { EXECUTION_PROVIDERS, ExecutionProvider, PROVIDERS } from '../../runtime/providers';
import { importOptions, MODELS } from '../options';

const options = {
  ep: { choices: EXECUTION_PROVIDERS, default: 'cuda' as ExecutionProvider, describe: 'execution provider to check' },
  kernels: {
    type: 'string',
    describe: 'ONNX Runtime kernel table as JSON (default $ORT_KERNELS_JSON, else the one in kernel-tables/ for the provider)',
  },
  model: { type: 'array', choices: MODELS, describe: 'check only these architectures\' graphs (default: every one)' },
  ...importOptions,
  'model-file': { ...importOptions['model-file'], describe: 'check the graphs made for this imported ONNX model instead' },
  placements: {
    type: 'boolean',
    default: true,
    describe: 'also load each graph on the provider and check where ONNX Runtime places every node (skipped, with a note, where the provider cannot start)',
  },
} as const;

export const checkEpCommand: CommandModule<object, InferredOptionTypes<typeof options>> = {
  command: 'check-ep',
  describe: 'check that every emitted graph runs entirely on an execution provider',
  builder: (y) => y.options(options),
  handler: async (args) => {
    const { UsageError } = await import('../errors.js');
    const { uncoveredNodes, readKernelTable, kernelTableFile } = await import('../../graph/kernel-coverage.js');
    const { emittedModels } = await import('../emitted-models.js');
    const provider = PROVIDERS[args.ep].ortName;
    const file = args.kernels ?? process.env.ORT_KERNELS_JSON ?? kernelTableFile(args.ep);
    const table = readKernelTable(file, (why) => new UsageError(`${file}: ${why}; pass --kernels FILE (see kernel-tables/README.md)`));
    if (!table.providers[provider]) throw new UsageError(`${file}: no ${provider} in this kernel table; pass --kernels FILE (see kernel-tables/README.md)`);
    const { importedModelOf } = await import('../train-target.js');
    const imported = importedModelOf(args);
    const { importModel } = await import('../../import/import-model.js');
    const { graphsOf } = await import('../emitted-models.js');
    const models = imported ? graphsOf(importModel(imported.path, imported)) : emittedModels(args.model as (typeof MODELS)[number][] | undefined);
    let problems = 0;
    console.log(`kernels registered for ${provider} (${file}):`);
    for (const [name, model] of models) {
      const onHost: import('../../graph/kernel-coverage.js').CoverageProblem[] = [];
      const missing = uncoveredNodes(model, table, provider, onHost);
      problems += missing.length;
      const host = onHost.length ? `; on the host by design (Loop control): ${onHost.map((n) => `${n.opType} (${n.node})`).join(', ')}` : '';
      console.log(`${missing.length ? 'FAIL' : 'ok  '} ${name}: ${model.graph.nodes.length} nodes${missing.length ? `, ${missing.length} without a kernel` : ''}${host}`);
      for (const m of missing) console.log(`       ${m.opType} (${m.node}): ${m.reason}`);
    }
    const placed = args.placements && args.ep !== 'cpu' ? await checkPlacements(args.ep, provider, models) : undefined;
    problems += placed?.problems ?? 0;
    if (problems) process.exitCode = 1;
    else if (placed?.checked) console.log(`every compute node runs on ${provider}: each has a kernel, and ONNX Runtime placed it there`);
    else console.log(`every node has a ${provider} kernel${args.ep === 'cpu' ? '' : ' (placements not checked on this machine)'}`);
  },
};

/** Loads every model on the provider and counts the compute nodes ONNX Runtime put elsewhere. */
async function checkPlacements(ep: ExecutionProvider, provider: string, models: [string, import('../../graph/types.js').Model][]) {
  const { nodePlacements } = await import('../../runtime/placements.js');
  const { loopControlNodes } = await import('../../graph/kernel-coverage.js');
  const { encodeModel } = await import('../../onnx/encode.js');
  let problems = 0;
  console.log(`placements ONNX Runtime reports on this machine's ${ep} adapter:`);
  for (const [name, model] of models) {
    const placed = await nodePlacements(encodeModel(model), ep);
    if ('unavailable' in placed) {
      console.log(`placements not checked: the ${ep} provider cannot start here (${placed.unavailable})`);
      return { problems, checked: false };
    }
    const control = loopControlNodes(model);
    const elsewhere = placed.nodes.filter((n) => n.provider !== provider);
    const stray = elsewhere.filter((n) => !control.has(n.name));
    const wholeElsewhere = placed.wholeGraphs.filter((g) => g.provider !== provider);
    const onDevice = placed.nodes.filter((n) => n.provider === provider).length + placed.wholeGraphs.filter((g) => g.provider === provider).reduce((s, g) => s + g.count, 0);
    const bad = stray.length + wholeElsewhere.length;
    problems += bad;
    const host = elsewhere.length > stray.length ? `; on the host by design (Loop control): ${elsewhere.filter((n) => control.has(n.name)).map((n) => `${n.opType} (${n.name})`).join(', ')}` : '';
    console.log(`${bad ? 'FAIL' : 'ok  '} ${name}: ${onDevice} nodes on ${provider}${host}`);
    for (const n of stray) console.log(`       ${n.opType} (${n.name}) placed on ${n.provider}`);
    for (const g of wholeElsewhere) console.log(`       a whole graph of ${g.count} nodes placed on ${g.provider}`);
  }
  return { problems, checked: true };
}
