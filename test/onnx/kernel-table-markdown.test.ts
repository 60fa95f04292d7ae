// tools/update-kernel-table.ts reads ONNX Runtime's OperatorKernels.md: its parser must give back
// exactly the table it was made from, and read the Markdown's own forms (open, closed and single
// opset ranges, several constraints, commas inside type strings, other providers skipped).
import { DEFAULT_KERNEL_TABLE, KernelEntry, readKernelTable } from '../../src/graph/kernel-coverage';
import { kernelTableFromMarkdown } from '../../tools/kernel-table-markdown';

const SOURCE = { repo: 'r', path: 'p', commit: 'c' };

const versionCell = (e: KernelEntry) => (e.until === null ? `${e.since}+` : e.since === e.until ? `${e.since}` : `[${e.since}, ${e.until}]`);
const typesCell = (e: KernelEntry) => Object.entries(e.types).map(([c, ts]) => `**${c}** = ${ts.join(', ')}`).join('<br/> ');

/** The committed table written back in OperatorKernels.md's layout. */
function asMarkdown(providers: Record<string, Record<string, Record<string, KernelEntry[]>>>): string {
  const lines = ['## Supported Operators and Data Types', ''];
  for (const [provider, domains] of Object.entries(providers)) {
    lines.push(`<a name="${provider.toLowerCase()}"/>`, '', `## Operators implemented by ${provider}`, '');
    lines.push('| Op Name | Parameters | OpSet Version | Types Supported |', '|---------|------------|---------------|-----------------|');
    for (const [domain, ops] of Object.entries(domains)) {
      lines.push(`|**Operator Domain:** *${domain}*||||`);
      for (const [op, entries] of Object.entries(ops)) {
        entries.forEach((e, i) => lines.push(`|${i === 0 ? op : ''}|${i === 0 ? '*in* X:**T**<br> *out* Y:**T**' : ''}|${versionCell(e)}|${typesCell(e)}|`));
      }
    }
    lines.push('', '---------------', '');
  }
  return lines.join('\n');
}

test('the committed kernel table survives a round trip through the Markdown layout', () => {
  const table = readKernelTable(DEFAULT_KERNEL_TABLE, (why) => new Error(why));
  const parsed = kernelTableFromMarkdown(asMarkdown(table.providers), SOURCE);
  expect(parsed.providers).toEqual(table.providers);
});

test('the Markdown forms: ranges, constraints, nested commas, skipped providers', () => {
  const md = [
    '## Operators implemented by CPUExecutionProvider',
    '| Op Name | Parameters | OpSet Version | Types Supported |',
    '|---------|------------|---------------|-----------------|',
    '|**Operator Domain:** *ai.onnx*||||',
    '|Cast|*in* input:**T1**<br> *out* output:**T2**|13+|**T1** = tensor(float), tensor(int64)<br/> **T2** = tensor(bool)|',
    '|||[6, 12]|**T1** = tensor(float)<br/> **T2** = tensor(float)|',
    '|Size|*in* data:**T**<br> *out* size:**T1**|21|**T** = tensor(float)<br/> **T1** = tensor(int64)|',
    '|**Operator Domain:** *ai.onnx.ml*||||',
    '|DictVectorizer|*in* X:**T1**<br> *out* Y:**T2**|1+|**T1** = map(int64,tensor(float)), map(string,tensor(double))<br/> **T2** = tensor(float)|',
    '## Operators implemented by DmlExecutionProvider',
    '|**Operator Domain:** *ai.onnx*||||',
    '|Abs|*in* X:**T**<br> *out* Y:**T**|13+|**T** = tensor(float)|',
  ].join('\n');
  const t = kernelTableFromMarkdown(md, SOURCE, ['CPUExecutionProvider']);
  expect(t.providers).toEqual({
    CPUExecutionProvider: {
      'ai.onnx': {
        Cast: [
          { since: 13, until: null, types: { T1: ['tensor(float)', 'tensor(int64)'], T2: ['tensor(bool)'] } },
          { since: 6, until: 12, types: { T1: ['tensor(float)'], T2: ['tensor(float)'] } },
        ],
        Size: [{ since: 21, until: 21, types: { T: ['tensor(float)'], T1: ['tensor(int64)'] } }],
      },
      'ai.onnx.ml': {
        DictVectorizer: [{ since: 1, until: null, types: { T1: ['map(int64,tensor(float))', 'map(string,tensor(double))'], T2: ['tensor(float)'] } }],
      },
    },
  });
  expect(() => kernelTableFromMarkdown(md, SOURCE, ['CUDAExecutionProvider'])).toThrow(/no table for CUDAExecutionProvider/);
});
