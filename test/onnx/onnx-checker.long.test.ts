// Every model file the project emits is one that the ONNX project's checker accepts (full check,
// strict shape inference). Needs Python's onnx package: skipped without it, except in CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel } from '../../src/onnx/encode';
import { allModels } from '../helpers/all-models';
import { pythonWith } from '../helpers/python';

const python = pythonWith(['onnx']);
// CI sets REQUIRE_ONNX_CHECKER, so that there a missing checker fails instead of skipping.
if (!python && process.env.REQUIRE_ONNX_CHECKER) throw new Error('REQUIRE_ONNX_CHECKER is set but no Python with onnx was found (set ONNX_PYTHON)');
if (!python) console.warn('skipping the ONNX checker test: no Python with the onnx package (set ONNX_PYTHON)');

(python ? test : test.skip)('the ONNX checker (full check, strict shape inference) accepts every emitted model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-check-'));
  try {
    const files = allModels.map(([name, model]) => {
      const file = join(dir, `${name.replace(/[^\w]+/g, '_')}.onnx`);
      writeFileSync(file, encodeModel(model));
      return file;
    });
    const r = spawnSync(python!, [join(__dirname, '../helpers/onnx_check.py'), ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(files.length);
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
