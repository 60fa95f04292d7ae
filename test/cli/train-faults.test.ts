// The ways a training run used to lose work or print the wrong thing, each as a user meets it:
// the printed resume command, temporary files, a second run on the same folder, write errors,
// a closed pipe or terminal, relative paths under npm, batches too large for the machine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkBatchMemory } from '../../src/cli/train-target';
import { microBatchOf } from '../../src/cli/options';
import { resumeCommand, shellQuote } from '../../src/cli/resume-command';
import { MODEL_DEFINITIONS } from '../../model/registry';
import { LOCK_FILE } from '../../src/io/folder-lock';
import { readCheckpoint } from '../../src/training/run/checkpoint';
import { cli, cliProcess, ROOT } from '../helpers/cli';

const MLP = ['train', '--model', 'mlp', '--limit', '3000', '--epochs', '3', '--threads', '1', '--no-progress'];

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-faults-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start a run, send `signal` once its first epoch is reported, and collect what it printed. */
async function interruptAfterEpoch1(args: string[], signal: NodeJS.Signals) {
  const child = cliProcess(...args);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  await new Promise<void>((r) => child.stdout.on('data', () => /epoch 1\/3/.test(out) && r()));
  child.kill(signal);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, out, err };
}

test('the printed resume command names everything; --resume alone continues into the same folder and model', async () => {
  const art = join(dir, 'other folder', 'mlp runs');
  const r = await interruptAfterEpoch1([...MLP, '--artifacts', art], 'SIGINT');
  expect(r.code).toBe(130);
  const ckpt = join(art, 'mlp.ckpt');
  const expected = `resume with: npm run train -- ${MLP.slice(1).join(' ')} --artifacts ${shellQuote(art)} --resume ${shellQuote(ckpt)}`;
  expect(r.err).toContain(expected);
  expect(shellQuote(art)).toBe(`'${art}'`);
  // Only the checkpoint: model and folder come from it.
  const resumed = cli('train', '--resume', ckpt, '--threads', '1', '--no-progress');
  expect(resumed.code).toBe(0);
  expect(resumed.out).toContain(`wrote ${join(art, 'mlp.onnx')}`);
});

test('resumeCommand quotes for the shell, replaces an earlier --resume and drops --recipe (the checkpoint holds it)', () => {
  expect(resumeCommand('a b.ckpt', ['train', '--resume', 'old.ckpt', '--recipe', 'fast', '--lr', '0.1', "--artifacts=it's"])).toBe(
    `npm run train -- --lr 0.1 '--artifacts=it'\\''s' --resume 'a b.ckpt'`,
  );
});

test('SIGHUP (terminal closed) saves a checkpoint like SIGTERM', async () => {
  const art = join(dir, 'hup');
  const r = await interruptAfterEpoch1([...MLP, '--artifacts', art], 'SIGHUP');
  expect(r.code).toBe(130);
  expect(r.err).toMatch(/SIGHUP: finishing the current step/);
  expect(readCheckpoint(join(art, 'mlp.ckpt')).epoch).toBeGreaterThanOrEqual(1);
});

test('a closed stdout (train | head -1) does not stop training: the model is written', async () => {
  const art = join(dir, 'pipe');
  const child = spawn('bash', ['-c', `node --import tsx src/cli/main.ts ${MLP.join(' ')} --artifacts '${art}' | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: ROOT });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((r) => child.on('close', r));
  expect(err).toMatch(/status 0/);
  expect(err).not.toMatch(/EPIPE/);
  expect(existsSync(join(art, 'mlp.onnx'))).toBe(true);
});

test('--resume with fewer --epochs than the checkpoint has done is refused', () => {
  const art = join(dir, 'fewer');
  expect(cli(...MLP, '--artifacts', art, '--checkpoint-every', '1').code).toBe(0);
  expect(readCheckpoint(join(art, 'mlp.ckpt')).epoch).toBe(2); // saved after epochs 1 and 2 (.prev)
  const r = cli('train', '--resume', join(art, 'mlp.ckpt'), '--epochs', '1');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^error: --epochs 1 is fewer than the 2 epochs .*mlp\.ckpt has already done; give at least 2 \(or drop --epochs to finish its 3\)\n$/);
});

test('--checkpoint naming a folder is refused before training, leaving no temporary file', () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  const r = cli(...MLP, '--artifacts', join(dir, 'cp'), '--checkpoint', folder);
  expect(r.code).toBe(2);
  expect(r.err).toBe(`error: --checkpoint ${folder} is a directory; name a file in it, e.g. ${join(folder, 'lenet.ckpt')}\n`);
  expect(readdirSync(folder)).toEqual([]);
  expect(existsSync(join(dir, 'cp', 'runs'))).toBe(false);
});

test('a second run on the same artifacts folder says who holds it; a stale lock is taken over', () => {
  const art = join(dir, 'locked');
  mkdirSync(art);
  writeFileSync(join(art, LOCK_FILE), JSON.stringify({ pid: process.pid, started: '2026-01-01T00:00:00Z', command: 'npm run train -- --epochs 99' }));
  const r = cli(...MLP, '--artifacts', art);
  expect(r.code).toBe(2);
  expect(r.err).toBe(
    `error: ${art} is in use by another training run (pid ${process.pid}, started 2026-01-01T00:00:00Z: npm run train -- --epochs 99); wait for it to finish, or train into another --artifacts folder\n`,
  );
  const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid!; // a pid that has exited
  writeFileSync(join(art, LOCK_FILE), JSON.stringify({ pid: gone, started: 'x', command: 'y' }));
  expect(cli(...MLP, '--artifacts', art).code).toBe(0);
  expect(existsSync(join(art, LOCK_FILE))).toBe(false);
});

test('an artifacts path that is a file: one line naming it, before training', () => {
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'x');
  const r = cli(...MLP, '--artifacts', file);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(new RegExp(`^error: --artifacts ${file}: cannot create the folder ${file}: a file is in the way \\(a folder was needed\\) \\(EEXIST\\)\\n$`));
});

test('when the trained model cannot be written, the trained parameters are kept in a checkpoint and the way out is printed', () => {
  const art = join(dir, 'blocked');
  mkdirSync(join(art, 'mlp.onnx'), { recursive: true }); // a folder where the model file goes
  const r = cli(...MLP, '--artifacts', art);
  expect(r.code).toBe(2);
  const ckpt = join(art, 'mlp.ckpt');
  expect(r.err).toMatch(/^error: cannot rename .* -> .*mlp\.onnx: is a folder \(a file was needed\) \(EISDIR\); the trained parameters are saved in /);
  expect(r.err).toContain(`saved in ${ckpt}: make room, then export them with: npm run train -- `);
  expect(readCheckpoint(ckpt).epoch).toBe(3);
  rmSync(join(art, 'mlp.onnx'), { recursive: true });
  const exported = cli('train', '--resume', ckpt, '--no-progress');
  expect(exported.code).toBe(0);
  expect(existsSync(join(art, 'mlp.onnx'))).toBe(true);
  expect(readdirSync(art).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

/** A 600 KB tmpfs (a full disk on demand) where this process may mount one (root on Linux); else undefined. */
function tinyDisk(): string | undefined {
  const at = join(dir, 'tiny-disk');
  mkdirSync(at, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', at]).status === 0 ? at : undefined;
}

test('a full disk at export: one line naming the file; the trained parameters saved elsewhere and exportable', () => {
  const disk = tinyDisk();
  if (!disk) {
    console.warn('skipped the full-disk check: cannot mount a tmpfs here (needs root); the EISDIR test covers the same path');
    return;
  }
  try {
    const art = join(disk, 'art');
    expect(cli('build-model', '--model', 'mlp', '--artifacts', art).code).toBe(0); // 440 KB of the 600
    const r = cli(...MLP, '--artifacts', art);
    expect(r.code).toBe(2);
    const m = /^error: cannot write (\S+): no space left on the device \(ENOSPC\); the trained parameters are saved in (\S+\.ckpt): make room, then export them with: npm run train -- .* --resume \S+\n$/.exec(r.err);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(join(art, 'mlp.onnx'));
    expect(readdirSync(art).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const rescued = m![2];
    expect(readCheckpoint(rescued).epoch).toBe(3);
    rmSync(rescued);
  } finally {
    spawnSync('umount', [disk]);
  }
});

test('relative paths are the user\'s folder ($INIT_CWD under npm), defaults stay in the project', () => {
  const user = join(dir, 'user-folder');
  mkdirSync(user);
  const env = { ...process.env, INIT_CWD: user, npm_lifecycle_event: 'build-model' };
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
  expect(run('build-model', '--model', 'mlp', '--artifacts', 'mine').status).toBe(0);
  expect(existsSync(join(user, 'mine', 'mlp.training.onnx'))).toBe(true);
  // The default artifacts folder is the project's, named from where the user is.
  expect(run('build-model', '--help').stdout).toContain(`[default: "${relative(user, join(ROOT, 'artifacts'))}"]`);
});

test('a batch too large for the machine is refused with the estimate; a large one is announced', () => {
  const lenet = MODEL_DEFINITIONS.lenet;
  expect(() => checkBatchMemory(lenet, 60000, { total: 16e9, free: 16e9 })).toThrow(/^--batch-size 60000 needs about 36\.0 GB of memory for lenet's training step; this machine has 16\.0 GB: use a smaller batch, or --micro-batch to compute its gradient in parts$/);
  expect(checkBatchMemory(lenet, 60000, { total: 64e9, free: 8e9 })).toMatch(/^warning: --batch-size 60000 needs about 36\.0 GB .*; 8\.0 GB is free now$/);
  expect(checkBatchMemory(lenet, 100, { total: 64e9, free: 8e9 })).toBeUndefined();
  // In micro-batches the step holds one micro-batch's tensors; a model with batch norm cannot be split.
  expect(checkBatchMemory(lenet, 60000, { microBatch: 1000, total: 16e9, free: 16e9 })).toBeUndefined();
  expect(() => checkBatchMemory(MODEL_DEFINITIONS.cnn, 60000, { total: 16e9, free: 16e9 })).toThrow(/: use a smaller batch$/);
});

test('batches over 1,000 samples run in micro-batches on one CPU session where the model allows', () => {
  const { lenet, cnn } = MODEL_DEFINITIONS;
  expect(microBatchOf({}, lenet, 5000)).toBe(1000);
  expect(microBatchOf({}, lenet, 1000)).toBeUndefined();
  expect(microBatchOf({ 'micro-batch': 300 }, lenet, 5000)).toBe(300);
  expect(microBatchOf({}, cnn, 5000)).toBeUndefined(); // batch norm: whole batches
  expect(microBatchOf({ ep: 'cuda' }, lenet, 5000)).toBeUndefined();
  expect(microBatchOf({ replicas: 2 }, lenet, 5000)).toBeUndefined();
  expect(microBatchOf({ 'steps-per-run': 4 }, lenet, 5000)).toBeUndefined();
  expect(microBatchOf({ engine: 'ort-training' }, lenet, 5000)).toBeUndefined();
});
