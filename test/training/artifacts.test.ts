import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lenet } from '../../model/lenet.onnx-builder';
import { artifactPaths, ensureArtifacts, readInitialParams } from '../../src/training/run/artifacts';
import { initParams } from '../../src/training/graphs/init';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lenet-art-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('train builds missing artifacts, refreshes a stale step graph, and keeps the initial parameters', () => {
  expect(ensureArtifacts(lenet, dir, 5)).toBe('built');
  expect(ensureArtifacts(lenet, dir, 5)).toBe('up-to-date');
  const paths = artifactPaths(lenet, dir);
  const good = readFileSync(paths.trainingStep);
  writeFileSync(paths.trainingStep, 'an older graph');
  const init = readFileSync(paths.initialModel);
  expect(ensureArtifacts(lenet, dir, 99)).toBe('step-refreshed');
  expect(readFileSync(paths.trainingStep).equals(good)).toBe(true);
  expect(readFileSync(paths.initialModel).equals(init)).toBe(true);
  expect(readInitialParams(lenet, dir).get('conv1.weight')).toEqual(initParams(lenet, 5).get('conv1.weight'));
});

test('an initial model whose parameters no longer fit the architecture (an edited builder) is rebuilt', () => {
  const wider = { ...lenet, params: lenet.params.map((p) => (p.name === 'dense2.bias' ? { ...p, dims: [12] } : p)) };
  expect(ensureArtifacts(wider, dir, 5)).toBe('built');
  expect(ensureArtifacts(lenet, dir, 5)).toBe('rebuilt');
  expect(readInitialParams(lenet, dir).get('dense2.bias')).toHaveLength(10);
  expect(ensureArtifacts(lenet, dir, 5)).toBe('up-to-date');
});
