// GraphCore: creates uniquely named values and nodes, records constants, infers shapes.
// The typed op methods (conv, tanh, gemm, ...) live in graph-builder.ts on top of this core.
import { SHAPE_RULES } from './shape-inference';
import { AttrValue, DType, Graph, Node, Shape, Tensor, Value, elementCount } from './types';

export interface OpOptions {
  /** Name hint for the output value(s); made unique if taken. */
  name?: string;
  domain?: string;
  /** Number of outputs (default 1). */
  outputs?: number;
  /**
   * Build an ai.onnx op that has no shape rule, its outputs float32 of unknown shape (for probing
   * what a provider lacks; gradient rules cannot use such an op).
   */
  untyped?: boolean;
}

export class GraphCore {
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private readonly taken = new Set<string>();
  private readonly constants = new Map<Value, Tensor>();
  /** Outputs of Shape(t) nodes -> t's shape, so Reshape/Expand of a runtime shape keep static dims. */
  private readonly shapeValues = new Map<Value, Shape>();

  constructor(readonly graphName: string) {}

  /** A name not yet used in this graph: `hint`, else `hint_1`, `hint_2`, ... */
  fresh(hint: string): string {
    let name = hint;
    for (let i = 1; this.taken.has(name); i++) name = `${hint}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** Keep names from being made here, e.g. those of an enclosing or enclosed graph (ONNX wants them distinct). */
  reserve(names: Iterable<string>): void {
    for (const name of names) this.taken.add(name);
  }

  private claim(name: string): string {
    if (this.taken.has(name)) throw new Error(`graph '${this.graphName}': name '${name}' is already used`);
    this.taken.add(name);
    return name;
  }

  input(name: string, dtype: DType, shape: Shape | undefined, sequence = false): Value {
    const v: Value = { name: this.claim(name), dtype, shape, ...(sequence ? { sequence } : {}) };
    this.inputs.push(v);
    return v;
  }

  /** A named initializer (e.g. a trained weight baked into an inference model). */
  initializer(t: Tensor): Value {
    this.claim(t.name);
    return this.addInitializer(t);
  }

  private addInitializer(t: Tensor): Value {
    const v: Value = { name: t.name, dtype: t.dtype, shape: [...t.dims] };
    this.initializers.push(t);
    this.constants.set(v, t);
    return v;
  }

  /** An anonymous constant, stored as an initializer. */
  constant(dtype: DType, dims: number[], data: Float32Array | BigInt64Array | Uint8Array, hint = 'const'): Value {
    if (data.length !== elementCount(dims)) throw new Error(`constant '${hint}': ${data.length} values for dims [${dims}]`);
    return this.addInitializer({ name: this.fresh(hint), dtype, dims, data });
  }

  /** A float32 constant: a scalar, or a 1-D tensor from an array. */
  f32(value: number | number[], hint = 'const'): Value {
    const arr = typeof value === 'number' ? [value] : value;
    return this.constant('float32', typeof value === 'number' ? [] : [arr.length], Float32Array.from(arr), hint);
  }

  /** A 1-D int64 constant (shapes, axes). */
  i64(values: number[], hint = 'const'): Value {
    return this.constant('int64', [values.length], BigInt64Array.from(values.map(BigInt)), hint);
  }

  constantOf(v: Value | null): Tensor | undefined {
    return v ? this.constants.get(v) : undefined;
  }

  /** Add a node; returns its output values with inferred dtype/shape. */
  op(opType: string, inputs: (Value | null)[], attrs: Record<string, AttrValue> = {}, opts: OpOptions = {}): Value[] {
    const domain = opts.domain ?? '';
    const rule = domain === '' ? SHAPE_RULES[opType] : undefined;
    // Gradient rules read inferred shapes: an ai.onnx op without a shape rule would fail far from here.
    if (domain === '' && !rule && !opts.untyped) throw new Error(`shape inference: no shape rule for op '${opType}' (add one in graph/shape-inference.ts)`);
    const infos = rule
      ? rule({
          inputs,
          attrs,
          constantOf: (v) => this.constantOf(v),
          shapeHeldBy: (v) => (v ? this.shapeValues.get(v) : undefined),
        })
      : [{ dtype: inputs[0]?.dtype ?? 'float32' }];
    const count = opts.outputs ?? 1;
    const hint = opts.name ?? opType.toLowerCase();
    const outputs: Value[] = [];
    for (let i = 0; i < count; i++) {
      const info = infos[i] ?? { dtype: 'float32' as DType };
      outputs.push({ name: this.fresh(count === 1 ? hint : `${hint}_out${i}`), dtype: info.dtype, shape: info.shape });
    }
    this.nodes.push({ name: this.fresh(`${hint}_node`), opType, domain, inputs, outputs, attrs });
    if (opType === 'Shape' && domain === '' && inputs[0]?.shape) this.shapeValues.set(outputs[0], inputs[0].shape);
    return outputs;
  }

  /** Give an intermediate value a new (uniquified) name; returns it. */
  rename(v: Value, hint: string): string {
    const name = this.fresh(hint);
    this.taken.delete(v.name);
    v.name = name;
    return name;
  }

  /** Declare `v` as a graph output under `name` (renames it when it is a plain intermediate). */
  output(v: Value, name?: string): Value {
    let out = v;
    if (name && name !== v.name) {
      const isSource = this.inputs.includes(v) || this.constants.has(v) || this.outputs.includes(v);
      if (isSource) {
        out = this.op('Identity', [v], {}, { name })[0];
        if (out.name !== name) throw new Error(`graph '${this.graphName}': output name '${name}' is taken`);
      } else {
        if (this.taken.has(name)) throw new Error(`graph '${this.graphName}': output name '${name}' is taken`);
        this.rename(v, name);
      }
    }
    this.outputs.push(out);
    return out;
  }

  build(docString?: string): Graph {
    return {
      name: this.graphName,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      nodes: [...this.nodes],
      initializers: [...this.initializers],
      docString,
    };
  }
}
