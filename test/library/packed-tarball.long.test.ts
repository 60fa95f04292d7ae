// The package as another TypeScript project gets it: `npm pack`, install the tarball in a fresh
// project, type-check a program against its declarations with the project's own tsc (no tsx),
// and run 20 training steps of a model defined there; then the package's command (`npx
// lenet-onnx-ts`, compiled, no tsx) trains and evaluates LeNet with its files in the app's folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { MNIST_DIR } from '../helpers/mnist-dir';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false' } });

const PROGRAM = `import { datasets, defineModel, exportModel, GraphBuilder, train, TrainedModel, Value } from 'lenet-onnx-ts';

const model = defineModel({
  name: 'consumer_mlp',
  sampleDims: [1, 28, 28],
  classes: 10,
  params: [
    { name: 'hidden.weight', dims: [32, 784], init: 'xavier' },
    { name: 'hidden.bias', dims: [32], init: 'zeros' },
    { name: 'out.weight', dims: [10, 32], init: 'xavier' },
    { name: 'out.bias', dims: [10], init: 'zeros' },
  ],
  forward(b: GraphBuilder, x: Value, p: Record<string, Value>): Value {
    const h = b.relu(b.gemm(b.flatten(x, 1), p['hidden.weight'], p['hidden.bias'], { transB: true }));
    return b.gemm(h, p['out.weight'], p['out.bias'], { transB: true });
  },
});

async function main(): Promise<void> {
  const all = await datasets.mnist({ dir: process.argv[2] });
  const data = datasets.fromArrays({ name: 'first 1000', pixels: all.images.pixels.subarray(0, 1000 * 784), rows: 28, cols: 28, labels: all.labels.subarray(0, 1000) });
  let steps = 0;
  const trained: TrainedModel = await train(model, data, { epochs: 1, batchSize: 50, optimizer: 'adamw', learningRate: 0.003, on: { onBatch: () => void steps++ } });
  const bytes = exportModel(trained);
  console.log(JSON.stringify({ steps, status: trained.status, accuracy: trained.history[0].accuracy, bytes: bytes.length }));
}
main();
`;

test('npm pack, install the tarball in a new project, compile against its types with tsc and train 20 steps; npx lenet-onnx-ts trains and evaluates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-pack-'));
  try {
    npm(['pack', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { 'lenet-onnx-ts': `file:../${tarball}` } }));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], app);
    writeFileSync(join(app, 'main.ts'), PROGRAM);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: false } }));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const out = execFileSync(process.execPath, ['main.js', MNIST_DIR], { cwd: app, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.steps).toBe(20);
    expect(result.status).toBe('completed');
    expect(result.accuracy).toBeGreaterThan(0.3);
    expect(result.bytes).toBeGreaterThan(100_000);

    const cli = (args: string[]) => npm(['exec', '--no', '--', 'lenet-onnx-ts', ...args], app);
    const trained = cli(['train', '--data-dir', MNIST_DIR, '--limit', '2000', '--epochs', '1', '--threads', '1', '--no-progress']);
    expect(trained).toMatch(/training acc at epoch 1\/1: accuracy=0\.\d+/);
    expect(trained).toContain('wrote artifacts/lenet.onnx');
    expect(existsSync(join(app, 'artifacts', 'lenet.onnx'))).toBe(true);
    expect(cli(['evaluate', '--data-dir', MNIST_DIR, '--min-accuracy', '0.5'])).toMatch(/validation acc: accuracy=0\.\d+/);
    expect(readdirSync(join(app, 'node_modules', 'lenet-onnx-ts'))).not.toContain('artifacts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);
