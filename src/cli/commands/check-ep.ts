// `check-ep`: does every node of every graph the project emits have a kernel on an execution
// provider (no silent fallback to the CPU)? Checked against ONNX Runtime's registered-kernel table.
import type { CommandModule, InferredOptionTypes } from 'yargs';

const PROVIDERS = { cpu: 'CPUExecutionProvider', cuda: 'CUDAExecutionProvider' } as const;

const options = {
  ep: { choices: ['cpu', 'cuda'] as const, default: 'cuda' as const, describe: 'execution provider to check' },
  kernels: {
    type: 'string',
    describe: 'ONNX Runtime kernel table as JSON (default $ORT_KERNELS_JSON, else the one in kernel-tables/)',
  },
} as const;

export const checkEpCommand: CommandModule<object, InferredOptionTypes<typeof options>> = {
  command: 'check-ep',
  describe: 'check that every emitted graph runs entirely on an execution provider',
  builder: (y) => y.options(options),
  handler: async (args) => {
    const { UsageError } = await import('../errors');
    const { uncoveredNodes, readKernelTable, DEFAULT_KERNEL_TABLE } = await import('../../graph/kernel-coverage');
    const { emittedModels } = await import('../emitted-models');
    const file = args.kernels ?? process.env.ORT_KERNELS_JSON ?? DEFAULT_KERNEL_TABLE;
    const table = readKernelTable(file, (why) => new UsageError(`${file}: ${why}; pass --kernels FILE (ONNX Runtime's docs/OperatorKernels.md as JSON, see kernel-tables/README.md)`));
    let problems = 0;
    for (const [name, model] of emittedModels()) {
      const missing = uncoveredNodes(model, table, PROVIDERS[args.ep]);
      problems += missing.length;
      console.log(`${missing.length ? 'FAIL' : 'ok  '} ${name}: ${model.graph.nodes.length} nodes${missing.length ? `, ${missing.length} without a kernel` : ''}`);
      for (const m of missing) console.log(`       ${m.opType} (${m.node}): ${m.reason}`);
    }
    if (problems) process.exitCode = 1;
    else console.log(`every node has a ${PROVIDERS[args.ep]} kernel`);
  },
};
