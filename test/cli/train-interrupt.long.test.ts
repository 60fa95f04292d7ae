// Interrupting `train` with a real signal, resuming it, and the failure exits, as a user sees them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess, ROOT } from '../helpers/cli';
import { readCheckpoint } from '../../src/training/run/checkpoint';

const SMALL = ['train', '--limit', '3000', '--epochs', '3', '--threads', '1', '--no-progress'];


let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-int-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('SIGINT saves a checkpoint and exits 130; --resume finishes with the same model as a straight run', async () => {
  const straight = cli(...SMALL, '--artifacts', join(dir, 'straight'));
  expect(straight.code).toBe(0);

  const interrupted = join(dir, 'interrupted');
  const child = cliProcess(...SMALL, '--artifacts', interrupted);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  // Interrupt once the first epoch is reported: in the middle of the run.
  await new Promise<void>((r) => child.stdout.on('data', () => /epoch 1\/3/.test(out) && r()));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect(code).toBe(130);
  expect(err).toMatch(/interrupted at epoch \d, step \d+\/30; checkpoint written to .*lenet\.ckpt/);
  expect(err).toMatch(/resume with: npm run train -- --limit 3000 --epochs 3 --threads 1 --no-progress --artifacts .*interrupted --resume .*lenet\.ckpt/);
  expect(existsSync(join(interrupted, 'lenet.onnx'))).toBe(false);

  const resumed = cli('train', '--artifacts', interrupted, '--resume', join(interrupted, 'lenet.ckpt'), '--threads', '1', '--no-progress');
  expect(resumed.code).toBe(0);
  expect(resumed.out).toMatch(/^resuming .*lenet\.ckpt at epoch \d, step \d+/m);
  expect(readFileSync(join(interrupted, 'lenet.onnx')).equals(readFileSync(join(dir, 'straight', 'lenet.onnx')))).toBe(true);
});

test('SIGTERM is handled the same way: checkpoint written, exit 130', async () => {
  const art = join(dir, 'term');
  const child = cliProcess(...SMALL, '--artifacts', art);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((r) => child.stdout!.on('data', () => /epoch 1\/3/.test(out) && r()));
  child.kill('SIGTERM');
  expect(await new Promise<number | null>((r) => child.on('close', r))).toBe(130);
  expect(err).toMatch(/SIGTERM: finishing the current step/);
  expect(readCheckpoint(join(art, 'lenet.ckpt')).recipe.epochs).toBe(3);
});

test('--resume with a contradicting recipe flag is refused', () => {
  const art = join(dir, 'ck');
  expect(cli('train', '--limit', '3000', '--epochs', '1', '--threads', '1', '--no-progress', '--artifacts', art, '--checkpoint-every', '10steps').code).toBe(0);
  const r = cli('train', '--artifacts', art, '--resume', join(art, 'lenet.ckpt'), '--batch-size', '50');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--batch-size 50 contradicts .*lenet\.ckpt, which was trained with 100; drop --batch-size to resume/);
  const other = cli('train', '--resume', join(art, 'lenet.ckpt'), '--optimizer', 'adam');
  expect(other.err).toMatch(/--optimizer adam contradicts .*lenet\.ckpt, which was trained with sgd; drop --optimizer to resume/);
  expect(other.code).toBe(2);
});

test('a diverging run stops with exit 3, the step, and a hint', () => {
  const art = join(dir, 'diverge');
  const r = cli(...SMALL, '--artifacts', art, '--lr', '1e6', '--checkpoint-every', '5steps');
  expect(r.code).toBe(3);
  expect(r.err).toMatch(/training diverged: the loss became [\d.e+]+ at epoch 1, step \d+\./);
  expect(r.err).toMatch(/Try a lower --lr \(this run used 1000000\)/);
  expect(existsSync(join(art, 'lenet.onnx'))).toBe(false);
});

test('a corrupted checkpoint is reported, not resumed', () => {
  const r = cli('train', '--artifacts', join(dir, 'x'), '--resume', join(ROOT, 'package.json'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/package\.json: not a training checkpoint/);
  expect(r.err).not.toMatch(/^\s+at /m);
});

test.each([
  ['SGD with momentum', ['--momentum', '0.9', '--lr', '0.01']],
  ['Adam with a cosine schedule', ['--optimizer', 'adam', '--lr-schedule', 'cosine', '--warmup-steps', '5']],
])('%s: SIGINT, then --resume, ends with the straight run\'s model and optimizer state, bit for bit', async (_name, flags) => {
  const tag = flags.join('').replace(/\W/g, '');
  const straight = join(dir, `straight-${tag}`);
  expect(cli(...SMALL, ...flags, '--artifacts', straight).code).toBe(0);
  const interrupted = join(dir, `interrupted-${tag}`);
  const child = cliProcess(...SMALL, ...flags, '--artifacts', interrupted);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise<void>((r) => child.stdout.on('data', () => /epoch 1\/3/.test(out) && r()));
  child.kill('SIGINT');
  expect(await new Promise<number | null>((r) => child.on('close', r))).toBe(130);
  const saved = readCheckpoint(join(interrupted, 'lenet.ckpt'));
  expect([...saved.params.keys()].some((k) => /momentum_buffer|exp_avg/.test(k))).toBe(true);
  const resumed = cli('train', '--resume', join(interrupted, 'lenet.ckpt'), '--threads', '1', '--no-progress');
  expect(resumed.code).toBe(0);
  expect(readFileSync(join(interrupted, 'lenet.onnx')).equals(readFileSync(join(straight, 'lenet.onnx')))).toBe(true);
});

test('optimizer flags that do not fit are refused in one line', () => {
  const cases: [string[], RegExp][] = [
    [['--optimizer', 'adam', '--momentum', '0.9'], /--momentum does not apply to --optimizer adam/],
    [['--beta1', '0.8'], /--beta1 does not apply to --optimizer sgd/],
    [['--nesterov'], /--nesterov needs --momentum above 0 and no --dampening/],
    [['--momentum', '1.5'], /--momentum must be in \[0, 1\), got 1.5/],
    [['--optimizer', 'adamw', '--eps', '0'], /--eps must be positive, got 0/],
    [['--lr-schedule', 'onecycle', '--warmup-steps', '10'], /--warmup-steps does not apply to --lr-schedule onecycle/],
    [['--engine', 'ort-training', '--optimizer', 'adam'], /--engine ort-training: ORT's training API has AdamW \(decoupled decay\) but no Adam with L2 decay/],
    [['--engine', 'ort-training', '--momentum', '0.9'], /--engine ort-training: ORT's training API's SGD \(SGDOptimizerV2\) has no momentum or weight decay/],
    [['--engine', 'ort-training', '--lr-schedule', 'cosine'], /--engine ort-training runs at a constant rate/],
    [['--engine', 'ort-training', '--optimizer', 'adamw', '--checkpoint-every', '2'], /--engine ort-training with AdamW cannot be checkpointed or resumed/],
  ];
  for (const [flags, message] of cases) {
    const r = cli('train', ...flags, '--artifacts', join(dir, 'flags'));
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
  }
});
