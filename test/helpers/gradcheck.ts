// Numeric gradient check through ONNX Runtime: for a graph y = F(inputs) and a random cotangent c,
// compare the derived gradient of L = <c, y> along random directions t with central differences:
//   sum_i <dL/dx_i, t_i>  vs  (L(x + eps t) - L(x - eps t)) / (2 eps),
// where L is summed in float64 from ORT's float32 outputs.
import { gradients } from '../../src/autodiff/backward';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { DType, Value } from '../../src/graph/types';
import { HostTensor } from '../../src/runtime/host-tensor';
import { asModel, openSession, randomFloats } from './run-model';

export interface CheckInput {
  name: string;
  dims: number[];
  dtype?: DType;
  /** Float inputs default to random values in [-1, 1). */
  data?: Float32Array | BigInt64Array;
  /** Differentiate w.r.t. this input (default: float inputs yes, others no). */
  wrt?: boolean;
  /** Known at graph-build time (e.g. a shape or axes): built as a constant, not fed. */
  constant?: boolean;
}

export interface GradCheckResult {
  /** Worst |analytic - numeric| / max(|numeric|, scale) over the directions tried. */
  maxRelError: number;
  analytic: number[];
  numeric: number[];
  grads: Record<string, Float32Array>;
}

type Build = (b: GraphBuilder, inputs: Record<string, Value>) => Value;

function declare(b: GraphBuilder, inputs: CheckInput[]): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const inp of inputs) {
    const dtype = inp.dtype ?? 'float32';
    values[inp.name] = inp.constant
      ? b.constant(dtype, inp.dims, inp.data!, inp.name)
      : b.input(inp.name, dtype, inp.dims);
  }
  return values;
}

const feedOf = (inp: CheckInput, data: Float32Array | BigInt64Array): HostTensor => ({
  dtype: inp.dtype ?? 'float32',
  dims: inp.dims,
  data,
});

export async function gradCheck(
  build: Build,
  inputs: CheckInput[],
  opts: { eps?: number; directions?: number; seed?: number; direction?: (name: string, n: number, k: number) => Float32Array } = {},
): Promise<GradCheckResult> {
  const eps = opts.eps ?? 1e-2;
  const seed = opts.seed ?? 7;
  const data = new Map<string, Float32Array | BigInt64Array>();
  inputs.forEach((inp, i) => {
    const n = inp.dims.reduce((a, d) => a * d, 1);
    data.set(inp.name, inp.data ?? randomFloats(n, seed * 31 + i));
  });
  const fed = inputs.filter((i) => !i.constant);
  const wrt = fed.filter((i) => i.wrt ?? (i.dtype ?? 'float32') === 'float32');

  // Forward graph: y = F(inputs).
  const fb = new GraphBuilder('forward');
  fb.output(build(fb, declare(fb, inputs)), 'y');
  const forward = await openSession(asModel(fb.build()));
  const runY = async (shift: Map<string, Float32Array>) => {
    const feeds: Record<string, HostTensor> = {};
    for (const inp of fed) feeds[inp.name] = feedOf(inp, shift.get(inp.name) ?? data.get(inp.name)!);
    return (await forward.run(feeds)).y;
  };
  const y0 = await runY(new Map());
  const c = randomFloats(y0.data.length, seed + 1000);

  // Gradient graph: L = sum(c * y), differentiated w.r.t. the wrt inputs.
  const gb = new GraphBuilder('gradient');
  const values = declare(gb, inputs);
  const y = build(gb, values);
  const cv = gb.input('cotangent', 'float32', y0.dims);
  const loss = gb.reduceSum(gb.mul(y, cv), y0.dims.map((_, i) => i), false);
  const grads = gradients(gb, loss, wrt.map((i) => values[i.name]));
  for (const inp of wrt) gb.output(grads.get(values[inp.name])!, `${inp.name}_grad`);
  const gradSession = await openSession(asModel(gb.build()));
  const feeds: Record<string, HostTensor> = { cotangent: { dtype: 'float32', dims: y0.dims, data: c } };
  for (const inp of fed) feeds[inp.name] = feedOf(inp, data.get(inp.name)!);
  const out = await gradSession.run(feeds);
  const g: Record<string, Float32Array> = {};
  for (const inp of wrt) g[inp.name] = out[`${inp.name}_grad`].data as Float32Array;

  const dot = (yv: HostTensor) => {
    let s = 0;
    const d = yv.data as Float32Array;
    for (let i = 0; i < d.length; i++) s += c[i] * d[i];
    return s;
  };
  const analytic: number[] = [];
  const numeric: number[] = [];
  let maxRelError = 0;
  for (let k = 0; k < (opts.directions ?? 3); k++) {
    const plus = new Map<string, Float32Array>();
    const minus = new Map<string, Float32Array>();
    let a = 0;
    for (const inp of wrt) {
      const x = data.get(inp.name) as Float32Array;
      const t = opts.direction?.(inp.name, x.length, k) ?? randomFloats(x.length, seed * 97 + k * 13 + inp.name.length, -1, 1);
      plus.set(inp.name, x.map((v, i) => v + eps * t[i]));
      minus.set(inp.name, x.map((v, i) => v - eps * t[i]));
      for (let i = 0; i < x.length; i++) a += g[inp.name][i] * t[i];
    }
    const num = (dot(await runY(plus)) - dot(await runY(minus))) / (2 * eps);
    analytic.push(a);
    numeric.push(num);
    maxRelError = Math.max(maxRelError, Math.abs(a - num) / Math.max(Math.abs(num), 1e-3));
  }
  await forward.release();
  await gradSession.release();
  return { maxRelError, analytic, numeric, grads: g };
}
