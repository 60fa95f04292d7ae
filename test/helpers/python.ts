// A Python that has the given packages, for the tests that use other people's tools: $ONNX_PYTHON,
// else python3, whichever imports them.
import { spawnSync } from 'node:child_process';

export function pythonWith(modules: string[]): string | undefined {
  for (const py of [process.env.ONNX_PYTHON, 'python3'].filter((p): p is string => !!p)) {
    if (spawnSync(py, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0) return py;
  }
  return undefined;
}
