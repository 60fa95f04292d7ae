// The forward pass of a model re-emitted for training with the batch as the LAST axis: an
// activation is a matrix [features, N]. Then a convolution is one GEMM over the whole batch,
// W[Cout, Cin*kh*kw] x patches[Cin*kh*kw, OW*OH*N], its patches cut out by one Gather of whole rows
// of N floats (its input gradient folds them back: graph/patches.ts; a padded one pads the image
// first), and a tiled max- or average-pool is two single-axis reductions over a reshape. Batch
// statistics (a batch norm's mean over all but the channels) become row means of [C, rest], and the
// element-wise ops around them broadcast per channel as [C, 1], as does an inference-form
// BatchNormalization node (an imported model's). ONNX Runtime's CPU Conv works image
// by image, with small GEMMs and a col2im per image in ConvTranspose; here every GEMM is as large as
// the batch.
// Ops not lowered here (dense layers among them: batch-first, a sample's result does not depend on
// the batch size) run exactly as the model wrote them, on values turned back to batch-first.
// The exported inference model is untouched: it is built from the model's own forward pass.
import { intAttr, intsAttr } from '../../autodiff/grad-rule';
import { GraphBuilder } from '../../graph/graph-builder';
import { ImageOrder, outputSize, PatchGeometry, patchRows } from '../../graph/patches';
import { ForwardContext, forwardContext, ModelDefinition } from '../../graph/model-definition';
import { Node, Value, elementCount } from '../../graph/types';

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
const ELEMENTWISE = new Set(['Tanh', 'Relu', 'Neg', 'Identity', 'Sigmoid', 'LeakyRelu', 'Elu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign', 'Clip']);
/** Element-wise ops of two inputs, lowered when both are images of one layout or one is per channel. */
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div']);
const POOLS = new Set(['MaxPool', 'AveragePool']);

const sampleDims = (v: Value | null | undefined): number[] | undefined => {
  const dims = v?.shape?.slice(1);
  return dims && dims.every((d): d is number => typeof d === 'number') ? dims : undefined;
};

const allEqual = (values: number[] | undefined, to: number) => (values ?? []).every((v) => v === to);

const autoPadOff = (n: Node) => {
  const a = n.attrs.auto_pad;
  return !a || (a.kind === 'string' && a.value === 'NOTSET');
};

/**
 * Conv with a 4-D weight, no dilation, explicit pads: (a Pad, then) one Gather + one GEMM; grouped
 * (depthwise too), one MatMul over the stack of groups.
 */
function lowerableConv(n: Node, batched: Set<Value>): boolean {
  const [x, w, bias] = n.inputs;
  const k = w?.shape;
  const group = intAttr(n, 'group', 1);
  return !!x && batched.has(x) && sampleDims(x)?.length === 3 && !!w && !batched.has(w) && !(bias && batched.has(bias)) &&
    k?.length === 4 && k.every((d) => typeof d === 'number') && group >= 1 && (k[0] as number) % group === 0 && sampleDims(x)![0] === (k[1] as number) * group &&
    (intsAttr(n, 'pads') ?? []).every((p) => p >= 0) && autoPadOff(n) && allEqual(intsAttr(n, 'dilations'), 1) && n.outputs.length === 1;
}

/** MaxPool or AveragePool over square windows that tile the input exactly (stride = window, no padding). */
function lowerablePool(n: Node, batched: Set<Value>): boolean {
  const x = n.inputs[0];
  const k = intsAttr(n, 'kernel_shape') ?? [];
  const dims = sampleDims(x);
  return !!x && batched.has(x) && dims?.length === 3 && k.length === 2 && k[0] === k[1] &&
    (intsAttr(n, 'strides') ?? []).every((s) => s === k[0]) && allEqual(intsAttr(n, 'pads'), 0) &&
    autoPadOff(n) && allEqual(intsAttr(n, 'dilations'), 1) && intAttr(n, 'ceil_mode', 0) === 0 && n.outputs.length === 1 &&
    dims[1] % k[0] === 0 && dims[2] % k[0] === 0;
}

/** ReduceMean of a batch-last image over every axis but the channels (1), dims kept: [1, C, 1, 1]. */
function perChannelMean(n: Node, f: GraphBuilder, last: Map<Value, BatchLast>): boolean {
  const x = n.inputs[0];
  const axes = n.inputs[1] ? f.constantOf(n.inputs[1]) : undefined;
  const l = x ? last.get(x) : undefined;
  return !!l && l.dims.length === 3 && !!axes && intAttr(n, 'keepdims', 1) === 1 &&
    Array.from(axes.data as BigInt64Array, (a) => (Number(a) + 4) % 4).sort().join() === '0,2,3';
}

/** Both inputs batch-last images of the same dims and layout, or one such image and a [1, C, 1, 1] / one-element value. */
function channelwise(n: Node, last: Map<Value, BatchLast>, channelColumn: Map<Value, Value>): boolean {
  const [a, c] = n.inputs;
  if (!a || !c || n.inputs.length !== 2) return false;
  const images = [a, c].filter((x) => last.has(x)).map((x) => last.get(x)!);
  if (!images.length || images[0].dims.length !== 3) return false;
  const [C] = images[0].dims;
  if (images.length === 2) return images[0].order === images[1].order && images[0].dims.join() === images[1].dims.join();
  const other = last.has(a) ? c : a;
  if (channelColumn.has(other)) return true;
  const dims = other.shape;
  if (!dims || !dims.every((d): d is number => typeof d === 'number')) return false;
  return elementCount(dims) === 1 || (dims.length === 4 && dims[0] === 1 && dims[1] === C && dims[2] === 1 && dims[3] === 1);
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
  /** Per-channel values [1, C, 1, 1] (batch statistics) held as a column [C, 1] that broadcasts over [C, rest]. */
  const channelColumn = new Map<Value, Value>();
  const batched = new Set<Value>([fx]);

  const firstOf = (v: Value): Value => {
    const known = first.get(v);
    if (known) return known;
    const c = f.constantOf(v);
    const l = last.get(v);
    const column = channelColumn.get(v);
    let out: Value;
    if (c) out = b.constant(c.dtype, c.dims, c.data, c.name);
    else if (column) out = b.reshape(column, v.shape as number[], `${v.name}_batch_first`);
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
      const { v, dims: [cin, H0, W0], order } = lastOf(n.inputs[0]!);
      const [cout, , kh, kw] = n.inputs[1]!.shape as number[];
      const group = intAttr(n, 'group', 1);
      const strides = (intsAttr(n, 'strides') ?? [1, 1]) as [number, number];
      // A padded convolution is an unpadded one on the zero-padded image (Pad's gradient crops it back).
      const [top, left, bottom, right] = intsAttr(n, 'pads') ?? [0, 0, 0, 0];
      const [H, W] = [H0 + top + bottom, W0 + left + right];
      const padded = top + left + bottom + right === 0 ? v : order === 'columns'
        ? b.pad(b.reshape(v, [cin, W0, H0, -1]), [0, left, top, 0, 0, right, bottom, 0], `${name}_padded`)
        : b.pad(b.reshape(v, [cin, H0, W0, -1]), [0, top, left, 0, 0, bottom, right, 0], `${name}_padded`);
      const geometry: PatchGeometry = { channels: cin, height: H, width: W, kernel: [kh, kw], strides, inputOrder: order };
      const [oh, ow] = outputSize(geometry);
      const taps = cin * kh * kw;
      const patchRowsOf = b.constant('int64', [taps, ow * oh], patchRows(geometry), `${name}_patch_rows`);
      const pixels = b.reshape(padded, [cin * W * H, -1]);
      const patches = b.reshape(b.gather(pixels, patchRowsOf, 0), [taps, -1], `${name}_patches`); // [taps, OW*OH*N]
      const weights = firstOf(n.inputs[1]!);
      const bias = n.inputs[2] && firstOf(n.inputs[2]);
      // Grouped (depthwise too): the patch rows are channel-major, so group k's rows are a block, as are its output channels' weights.
      const grouped = () => {
        const products = b.matMul(b.reshape(weights, [group, cout / group, taps / group]), b.reshape(patches, [group, taps / group, -1]), `${name}_groups`);
        const y = b.reshape(products, [cout, -1], bias ? `${name}_products` : name);
        return bias ? b.add(y, b.reshape(bias, [cout, 1]), name) : y; // [Cout, 1] even where the bias's own shape is not inferred
      };
      const dense = () => {
        const column = bias ? b.unsqueeze(bias, [1]) : null;
        return b.gemm(b.reshape(weights, [cout, taps]), patches, column, {}, name);
      };
      const y = group === 1 ? dense() : grouped(); // [Cout, OW*OH*N]
      last.set(out, { v: y, dims: [cout, oh, ow], order: 'columns' }); // kept 2-D: an activation right after it fuses into the GEMM
    } else if (n.domain === '' && POOLS.has(n.opType) && lowerablePool(n, batched)) {
      const { v, dims: [C, H, W], order } = lastOf(n.inputs[0]!);
      const s = intsAttr(n, 'kernel_shape')![0];
      const [h, w] = [H / s, W / s];
      // Column-major: (c, xo) | dx | yo | dy | n; row-major: (c, yo) | dy | xo | dx | n.
      const windows = b.reshape(v, order === 'columns' ? [C * w, s, h, s, -1] : [C * h, s, w, s, -1]);
      // One axis at a time (ONNX Runtime is several times faster so): over dx (or dy), then the other.
      const reduce = (x: Value, axes: number[], as?: string) => (n.opType === 'MaxPool' ? b.reduceMax(x, axes, false, as) : b.reduceMean(x, axes, false, as));
      last.set(out, { v: reduce(reduce(windows, [1]), [2], name), dims: [C, h, w], order });
    } else if (n.domain === '' && n.opType === 'ReduceMean' && perChannelMean(n, f, last)) {
      // Batch statistics (batch norm): a mean over all but the channel axis is a row mean of [C, rest].
      // In two stages (over the batch, then the pixels): one float32 sum over all of [C, H*W*N] rounds
      // like n * eps where blank pixels repeat one value (a cnn's gradients were 1e-2 off at batch 16).
      const { v, dims: [C, H, W] } = last.get(n.inputs[0]!)!;
      const overBatch = b.reduceMean(b.reshape(v, [C, H * W, -1]), [2], false);
      channelColumn.set(out, b.reduceMean(overBatch, [1], true, name)); // [C, 1]
      batched.delete(out);
    } else if (n.domain === '' && BINARY.has(n.opType) && n.outputs.length === 1 && channelwise(n, last, channelColumn)) {
      // Element-wise with another image of the same layout, or with a per-channel value [1, C, 1, 1] (or a scalar) as [C, 1].
      const image = last.get(n.inputs.find((x) => x && last.has(x))!)!;
      const C = image.dims[0];
      const operand = (x: Value): Value => {
        const l = last.get(x);
        if (l) return b.reshape(l.v, [C, -1]);
        const column = channelColumn.get(x);
        if (column) return column;
        return b.reshape(firstOf(x), elementCount(x.shape as number[]) === 1 ? [1, 1] : [C, 1]);
      };
      last.set(out, { ...image, v: b.op(n.opType, n.inputs.map((x) => operand(x!)), n.attrs, { name })[0] });
    } else if (n.domain === '' && n.opType === 'BatchNormalization' && n.outputs.length === 1 && last.get(n.inputs[0]!)?.dims.length === 3) {
      // Inference-form batch norm (an imported model's, as PyTorch's eval()): per channel, (x - mean) * scale / sqrt(var + eps) + bias on [C, rest].
      const l = last.get(n.inputs[0]!)!;
      const C = l.dims[0];
      const column = (v: Value | null) => b.reshape(firstOf(v!), [C, 1]);
      const eps = n.attrs.epsilon?.kind === 'float' ? n.attrs.epsilon.value : 1e-5;
      const gain = b.div(column(n.inputs[1]), b.sqrt(b.add(column(n.inputs[4]), b.f32(eps, 'epsilon'))));
      const y = b.add(b.mul(b.sub(b.reshape(l.v, [C, -1]), column(n.inputs[3])), gain), column(n.inputs[2]), name);
      last.set(out, { ...l, v: y });
    } else if (n.domain === '' && ELEMENTWISE.has(n.opType) && n.inputs.slice(1).every((v) => !v || f.constantOf(v)) && onlyLast(n.inputs[0])) {
      // One value in, one out (Clip's bounds are constants): the same op on either layout.
      const l = last.get(n.inputs[0]!)!;
      last.set(out, { ...l, v: b.op(n.opType, [l.v, ...n.inputs.slice(1).map((v) => v && firstOf(v))], n.attrs, { name })[0] });
    } else {
      const outs = b.op(n.opType, n.inputs.map((v) => (v ? firstOf(v) : null)), n.attrs, { name, domain: n.domain, outputs: n.outputs.length });
      n.outputs.forEach((o, i) => first.set(o, outs[i]));
    }
  }
  for (const [name, next] of fUpdates) ctx.setState(name, firstOf(next));
  return firstOf(logits);
}
