// defineModel: a model definition checked once, where it is written. Its forward pass is traced in
// both modes on a scratch graph, so that a parameter used but not declared (or declared and never
// used), a duplicate name, or logits of the wrong shape fail here, naming the model and the tensor,
// instead of deep inside a gradient rule or an ONNX Runtime session.
import { GraphBuilder } from './graph-builder';
import { BATCH_DIM, forwardContext, ForwardMode, ModelDefinition, randomInputName, stateOf } from './model-definition';
import { Value } from './types';

export class ModelDefinitionError extends Error {}

/** A record of values that fails on a name it does not hold and remembers the names read. */
function tracked(values: Record<string, Value>, kind: string, model: string, read: Set<string>): Record<string, Value> {
  return new Proxy(values, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      if (!(key in target)) {
        throw new ModelDefinitionError(`model '${model}': forward() uses ${kind} '${key}', which it does not declare (declared: ${Object.keys(target).join(', ') || 'none'})`);
      }
      read.add(key);
      return target[key];
    },
  });
}

function checkSpecs(def: ModelDefinition): void {
  const fail = (why: string) => {
    throw new ModelDefinitionError(`model '${def.name}': ${why}`);
  };
  if (!/^[A-Za-z][\w-]*$/.test(def.name)) fail('its name must start with a letter and hold only letters, digits, _ and -');
  if (!Number.isInteger(def.classes) || def.classes < 2) fail(`classes must be a whole number >= 2, got ${def.classes}`);
  const positive = (dims: readonly number[]) => dims.length > 0 && dims.every((d) => Number.isInteger(d) && d > 0);
  if (!positive(def.sampleDims)) fail(`sampleDims must be positive whole numbers, got [${def.sampleDims}]`);
  const seen = new Set<string>();
  for (const t of [...def.params, ...stateOf(def)]) {
    if (seen.has(t.name)) fail(`the name '${t.name}' is declared twice`);
    seen.add(t.name);
    if (!positive(t.dims)) fail(`'${t.name}' has dims [${t.dims}]; they must be positive whole numbers`);
  }
  for (const p of def.params) {
    if (p.init === 'xavier' && p.dims.length < 2) fail(`parameter '${p.name}' [${p.dims}] cannot be Xavier-initialized (rank < 2): use 'zeros' or 'ones'`);
  }
}

/** Traces def.forward in `mode`; returns the names it read. */
function trace(def: ModelDefinition, mode: ForwardMode): { params: Set<string>; state: Set<string> } {
  const b = new GraphBuilder(`${def.name}_check`);
  const read = { params: new Set<string>(), state: new Set<string>() };
  const params = Object.fromEntries(def.params.map((p) => [p.name, b.input(p.name, 'float32', p.dims)]));
  const state = Object.fromEntries(stateOf(def).map((s) => [s.name, b.input(s.name, 'float32', s.dims)]));
  const x = b.input('x', 'float32', [BATCH_DIM, ...def.sampleDims]);
  const random = (name: string, dims: number[]) => b.input(randomInputName(name), 'float32', [BATCH_DIM, ...dims]);
  const ctx = forwardContext(mode, tracked(state, 'state tensor', def.name, read.state), new Map(), random);
  const logits = def.forward(b, x, tracked(params, 'parameter', def.name, read.params), ctx);
  const shape = logits?.shape;
  if (!shape || shape.length !== 2 || shape[0] !== BATCH_DIM || shape[1] !== def.classes) {
    throw new ModelDefinitionError(`model '${def.name}': forward() must return logits [${BATCH_DIM}, ${def.classes}], got [${shape ?? '?'}] (${mode} mode)`);
  }
  return read;
}

/**
 * Checks a model definition (names, shapes, and that forward() uses exactly the declared
 * parameters and state) and returns it unchanged. Throws ModelDefinitionError naming the problem.
 */
export function defineModel<T extends ModelDefinition>(def: T): T {
  checkSpecs(def);
  const training = trace(def, 'train');
  const inference = trace(def, 'infer');
  const unused = def.params.filter((p) => !training.params.has(p.name) && !inference.params.has(p.name)).map((p) => p.name);
  if (unused.length) throw new ModelDefinitionError(`model '${def.name}': parameters declared but never used by forward(): ${unused.join(', ')}`);
  const unusedState = stateOf(def).filter((s) => !training.state.has(s.name) && !inference.state.has(s.name)).map((s) => s.name);
  if (unusedState.length) throw new ModelDefinitionError(`model '${def.name}': state declared but never used by forward(): ${unusedState.join(', ')}`);
  return def;
}
