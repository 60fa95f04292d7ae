// Adding an op is one file in src/autodiff/rules: this derives the list from that folder and fails
// when a rule is not registered, has no shape rule, or no test declares (checks(...)) that it checks it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRAD_RULES, SUPPORTED_OPS } from '../../src/autodiff/registry';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { SHAPE_RULES } from '../../src/graph/shape-inference';

const RULES_DIR = join(__dirname, '../../src/autodiff/rules');
const ruleFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

/** Ops named in checks('A', 'B') calls of the test files in this folder. */
function checkedOps(): Set<string> {
  const ops = new Set<string>();
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.ts'))) {
    for (const call of readFileSync(join(__dirname, file), 'utf8').matchAll(/\bchecks\(([^)]*)\)/g)) {
      for (const m of call[1].matchAll(/'([A-Za-z]+)'/g)) ops.add(m[1]);
    }
  }
  return ops;
}

describe('the gradient rule registry', () => {
  test('registers exactly the rule files', () => {
    expect(ruleFiles.length).toBeGreaterThan(20);
    expect([...SUPPORTED_OPS].sort()).toEqual(ruleFiles);
    for (const op of ruleFiles) expect(typeof GRAD_RULES[op]).toBe('function');
  });

  test('every rule has a shape rule', () => {
    expect(ruleFiles.filter((op) => !SHAPE_RULES[op])).toEqual([]);
  });

  test('every rule has a numeric test', () => {
    const checked = checkedOps();
    expect(ruleFiles.filter((op) => !checked.has(op))).toEqual([]);
  });

  test('an op without a shape rule is refused when it is built, naming the op', () => {
    const b = new GraphBuilder('g');
    const x = b.input('x', 'float32', [2, 3]);
    expect(() => b.op('Celu', [x])).toThrow("shape inference: no shape rule for op 'Celu'");
  });
});
