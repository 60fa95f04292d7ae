// Regenerates kernel-tables/ort-kernels.json from ONNX Runtime's docs/OperatorKernels.md:
//   node --import tsx tools/update-kernel-table.ts path/to/OperatorKernels.md --commit <sha> [--out FILE]
// (the Markdown of an onnxruntime checkout, or downloaded from
//  https://raw.githubusercontent.com/microsoft/onnxruntime/<sha>/docs/OperatorKernels.md).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { kernelTableFromMarkdown } from './kernel-table-markdown';
import { writeFileAtomic } from '../src/io/atomic-write';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    commit: { type: 'string' },
    out: { type: 'string', default: resolve(__dirname, '../kernel-tables/ort-kernels.json') },
  },
});
if (positionals.length !== 1 || !values.commit) {
  process.stderr.write('usage: tools/update-kernel-table.ts OperatorKernels.md --commit <onnxruntime commit> [--out FILE]\n');
  process.exit(2);
}
const table = kernelTableFromMarkdown(readFileSync(positionals[0], 'utf8'), {
  repo: 'microsoft/onnxruntime',
  path: 'docs/OperatorKernels.md',
  commit: values.commit,
});
writeFileAtomic(values.out!, new TextEncoder().encode(`${JSON.stringify(table, null, 1)}\n`));
const count = (p: string) => Object.values(table.providers[p]).reduce((n, ops) => n + Object.keys(ops).length, 0);
console.log(`wrote ${values.out}: ${Object.keys(table.providers).map((p) => `${p} ${count(p)} ops`).join(', ')}`);
