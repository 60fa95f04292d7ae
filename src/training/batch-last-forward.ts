// The forward pass of a model re-emitted for training with the batch as the LAST axis: an
// activation is a matrix [features, N]. Then a convolution is one GEMM over the whole batch,
// W[Cout, Cin*kh*kw] x patches[Cin*kh*kw, OW*OH*N], its patches cut out by one Gather of whole rows
// of N floats (its input gradient folds them back: graph/patches.ts), and a tiled max-pool is two
// single-axis ReduceMax over a reshape. ONNX Runtime's CPU Conv works image by image, with small
// GEMMs and a col2im per image in ConvTranspose; here every GEMM is as large as the batch.
// Ops not lowered here (dense layers among them: batch-first, a sample's result does not depend on
// the batch size) run exactly as the model wrote them, on values turned back to batch-first.
// The exported inference model is untouched: it is built from the model's own forward pass.
import { intAttr, intsAttr } from '../autodiff/grad-rule';
import { GraphBuilder } from '../graph/graph-builder';
import { ImageOrder, outputSize, PatchGeometry, patchRows } from '../graph/patches';
import { ForwardContext, forwardContext, ModelDefinition } from '../graph/model-definition';
import { Node, Value, elementCount } from '../graph/types';

/** How the training graphs lay out activations: batch-last (GEMM convolutions) or the model's own batch-first. */
export type TrainingLayout = 'batch-last' | 'batch-first';
export const DEFAULT_TRAINING_LAYOUT: TrainingLayout = 'batch-last';

/**
 * A forward value held batch-last: `v` holds prod(dims) rows of N (in whatever shape it came out),
 * dims being one sample's dims in the model's layout. An image [C, H, W] is stored row-major
 * ([C, H, W, N], as a 2-D transpose of the batch-first value gives it) or column-major ([C, W, H, N],
 * as convolutions give it; see graph/patches.ts).
 */
interface BatchLast {
  v: Value;
  dims: number[];
  order: ImageOrder;
}

/** Element-wise ops (with a gradient rule) that run on a batch-last value as they are. */
const ELEMENTWISE = new Set(['Tanh', 'Relu', 'Neg', 'Identity']);

const sampleDims = (v: Value | null | undefined): number[] | undefined => {
  const dims = v?.shape?.slice(1);
  return dims && dims.every((d): d is number => typeof d === 'number') ? dims : undefined;
};

const allEqual = (values: number[] | undefined, to: number) => (values ?? []).every((v) => v === to);

/** Conv with a 4-D weight, group 1, no padding or dilation: one Gather + one GEMM. */
function lowerableConv(n: Node, batched: Set<Value>): boolean {
  const [x, w, bias] = n.inputs;
  const k = w?.shape;
  return !!x && batched.has(x) && sampleDims(x)?.length === 3 && !!w && !batched.has(w) && !(bias && batched.has(bias)) &&
    k?.length === 4 && k.every((d) => typeof d === 'number') && intAttr(n, 'group', 1) === 1 &&
    allEqual(intsAttr(n, 'pads'), 0) && allEqual(intsAttr(n, 'dilations'), 1) && n.outputs.length === 1;
}

/** MaxPool over square windows that tile the input exactly (stride = window, no padding). */
function lowerablePool(n: Node, batched: Set<Value>): boolean {
  const x = n.inputs[0];
  const k = intsAttr(n, 'kernel_shape') ?? [];
  const dims = sampleDims(x);
  return !!x && batched.has(x) && dims?.length === 3 && k.length === 2 && k[0] === k[1] &&
    (intsAttr(n, 'strides') ?? []).every((s) => s === k[0]) && allEqual(intsAttr(n, 'pads'), 0) &&
    allEqual(intsAttr(n, 'dilations'), 1) && intAttr(n, 'ceil_mode', 0) === 0 && n.outputs.length === 1 &&
    dims[1] % k[0] === 0 && dims[2] % k[0] === 0;
}

/**
 * Emits def's forward pass on `b` from x [N, ...sampleDims] and the parameters, batch-last where
 * it can; returns the logits [N, classes].
 */
export function batchLastForward(b: GraphBuilder, def: ModelDefinition, x: Value, params: Record<string, Value>, ctx: ForwardContext): Value {
  // The model's own forward pass, on a scratch builder, is the recipe that is re-emitted here.
  const f = new GraphBuilder(`${def.name}_forward`);
  const fParams = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, f.input(k, v.dtype, v.shape)]));
  const fState = Object.fromEntries(Object.entries(ctx.state).map(([k, v]) => [k, f.input(k, v.dtype, v.shape)]));
  let xName = 'x';
  while (xName in params || xName in ctx.state) xName += '_';
  const fx = f.input(xName, x.dtype, x.shape);
  const fUpdates = new Map<string, Value>();
  const fRandom = new Map<Value, Value>(); // the scratch graph's random inputs -> the real ones
  const logits = def.forward(f, fx, fParams, forwardContext(ctx.mode, fState, fUpdates, (name, dims) => {
    const real = ctx.random(name, dims);
    const scratch = f.input(real.name, real.dtype, real.shape);
    fRandom.set(scratch, real);
    return scratch;
  }));

  const outer = (inner: Record<string, Value>, values: Record<string, Value>) => Object.keys(values).map((k): [Value, Value] => [inner[k], values[k]]);
  const first = new Map<Value, Value>([[fx, x], ...outer(fParams, params), ...outer(fState, ctx.state), ...fRandom]);
  const last = new Map<Value, BatchLast>();
  const batched = new Set<Value>([fx]);

  const firstOf = (v: Value): Value => {
    const known = first.get(v);
    if (known) return known;
    const c = f.constantOf(v);
    const l = last.get(v);
    let out: Value;
    if (c) out = b.constant(c.dtype, c.dims, c.data, c.name);
    else if (l) out = b.reshape(b.transpose(rowMajor(l), [1, 0]), [-1, ...l.dims], `${v.name}_batch_first`);
    else throw new Error(`batch-last forward: '${v.name}' was not emitted`);
    first.set(v, out);
    return out;
  };
  const lastOf = (v: Value): BatchLast => {
    const known = last.get(v);
    if (known) return known;
    const dims = sampleDims(v)!;
    const flat = b.reshape(firstOf(v), [-1, elementCount(dims)]);
    const out: BatchLast = { v: b.transpose(flat, [1, 0], `${v.name}_batch_last`), dims, order: 'rows' };
    last.set(v, out);
    return out;
  };
  /** [prod(dims), N] in the model's own (row-major) order: plain 2-D transposes then convert it. */
  const rowMajor = (l: BatchLast): Value => {
    if (l.order === 'rows' || l.dims.length !== 3) return b.reshape(l.v, [elementCount(l.dims), -1]);
    const [C, H, W] = l.dims;
    return b.reshape(b.transpose(b.reshape(l.v, [C, W, H, -1]), [0, 2, 1, 3]), [C * H * W, -1]);
  };
  /** Whether v is already batch-last and not also needed batch-first (then an op stays batch-last for free). */
  const onlyLast = (v: Value | null) => !!v && last.has(v) && !first.has(v);

  for (const n of f.nodes) {
    const out = n.outputs[0];
    const name = out.name;
    if (n.inputs.some((v) => v && batched.has(v))) n.outputs.forEach((o) => batched.add(o));
    if (n.domain === '' && n.opType === 'Conv' && lowerableConv(n, batched)) {
      const { v, dims: [, H, W], order } = lastOf(n.inputs[0]!);
      const [cout, cin, kh, kw] = n.inputs[1]!.shape as number[];
      const strides = (intsAttr(n, 'strides') ?? [1, 1]) as [number, number];
      const geometry: PatchGeometry = { channels: cin, height: H, width: W, kernel: [kh, kw], strides, inputOrder: order };
      const [oh, ow] = outputSize(geometry);
      const taps = cin * kh * kw;
      const patchRowsOf = b.constant('int64', [taps, ow * oh], patchRows(geometry), `${name}_patch_rows`);
      const pixels = b.reshape(v, [cin * W * H, -1]);
      const patches = b.reshape(b.gather(pixels, patchRowsOf, 0), [taps, -1], `${name}_patches`); // [taps, OW*OH*N]
      const bias = n.inputs[2] ? b.unsqueeze(firstOf(n.inputs[2]), [1]) : null;
      const y = b.gemm(b.reshape(firstOf(n.inputs[1]!), [cout, taps]), patches, bias, {}, name); // [Cout, OW*OH*N]
      last.set(out, { v: y, dims: [cout, oh, ow], order: 'columns' }); // kept 2-D: an activation right after it fuses into the GEMM
    } else if (n.domain === '' && n.opType === 'MaxPool' && lowerablePool(n, batched)) {
      const { v, dims: [C, H, W], order } = lastOf(n.inputs[0]!);
      const s = intsAttr(n, 'kernel_shape')![0];
      const [h, w] = [H / s, W / s];
      // Column-major: (c, xo) | dx | yo | dy | n; row-major: (c, yo) | dy | xo | dx | n.
      const windows = b.reshape(v, order === 'columns' ? [C * w, s, h, s, -1] : [C * h, s, w, s, -1]);
      // One axis at a time (ONNX Runtime is several times faster so): over dx (or dy), then the other.
      last.set(out, { v: b.reduceMax(b.reduceMax(windows, [1], false), [2], false, name), dims: [C, h, w], order });
    } else if (n.domain === '' && ELEMENTWISE.has(n.opType) && n.inputs.length === 1 && onlyLast(n.inputs[0])) {
      const l = last.get(n.inputs[0]!)!;
      last.set(out, { ...l, v: b.op(n.opType, [l.v], n.attrs, { name })[0] });
    } else {
      const outs = b.op(n.opType, n.inputs.map((v) => (v ? firstOf(v) : null)), n.attrs, { name, domain: n.domain, outputs: n.outputs.length });
      n.outputs.forEach((o, i) => first.set(o, outs[i]));
    }
  }
  for (const [name, next] of fUpdates) ctx.setState(name, firstOf(next));
  return firstOf(logits);
}
