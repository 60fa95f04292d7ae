// The graph DSL: one typed method per ONNX op the project emits (ai.onnx domain).
import { GraphCore } from './graph-core';
import { attr, AttrValue, Value } from './types';

export interface ConvOptions {
  pads?: number[];
  strides?: number[];
  dilations?: number[];
  group?: number;
}

/**
 * Every attribute written out, defaults included: some ONNX importers refuse a Conv without
 * kernel_shape (optional in the spec). The kernel's spatial size comes from the weight's shape.
 */
function convAttrs(opType: string, w: Value, o: ConvOptions): Record<string, AttrValue> {
  const kernel = w.shape?.slice(2);
  if (!kernel || !kernel.every((d): d is number => typeof d === 'number')) {
    throw new Error(`${opType}: the weight ${w.name} needs a static shape (kernel_shape is written explicitly)`);
  }
  const n = kernel.length;
  return {
    kernel_shape: attr.ints(kernel),
    strides: attr.ints(o.strides ?? Array(n).fill(1)),
    pads: attr.ints(o.pads ?? Array(2 * n).fill(0)),
    dilations: attr.ints(o.dilations ?? Array(n).fill(1)),
    group: attr.int(o.group ?? 1),
  };
}

export class GraphBuilder extends GraphCore {
  private one(opType: string, inputs: (Value | null)[], attrs: Record<string, AttrValue> = {}, name?: string): Value {
    return this.op(opType, inputs, attrs, { name })[0];
  }

  // --- layers -------------------------------------------------------------------------
  conv(x: Value, w: Value, b: Value | null, o: ConvOptions = {}, name?: string): Value {
    return this.one('Conv', b ? [x, w, b] : [x, w], convAttrs('Conv', w, o), name);
  }
  /** `outputPadding` adds cells at the end of each spatial axis (to reach an input size a strided Conv rounded down). */
  convTranspose(x: Value, w: Value, o: ConvOptions & { outputPadding?: number[] } = {}, name?: string): Value {
    const attrs = convAttrs('ConvTranspose', w, o);
    if (o.outputPadding?.some((p) => p !== 0)) attrs.output_padding = attr.ints(o.outputPadding);
    return this.one('ConvTranspose', [x, w], attrs, name);
  }
  maxPool(x: Value, kernel: number[], strides: number[], name?: string): Value {
    const pads = attr.ints(Array(2 * kernel.length).fill(0));
    return this.one('MaxPool', [x], { kernel_shape: attr.ints(kernel), strides: attr.ints(strides), pads }, name);
  }
  /** Mean over each window; padded cells count as zeros in the mean (count_include_pad = 1). */
  averagePool(x: Value, kernel: number[], strides: number[] = kernel, pads: number[] = Array(2 * kernel.length).fill(0), name?: string): Value {
    const attrs = { kernel_shape: attr.ints(kernel), strides: attr.ints(strides), pads: attr.ints(pads), count_include_pad: attr.int(1) };
    return this.one('AveragePool', [x], attrs, name);
  }
  /** Mean over all spatial positions: [N, C, H, W] -> [N, C, 1, 1]. */
  globalAveragePool(x: Value, name?: string): Value { return this.one('GlobalAveragePool', [x], {}, name); }
  /** Inference-mode batch normalization: (x - mean) / sqrt(var + epsilon) * scale + bias, per channel (axis 1). */
  batchNormalization(x: Value, scale: Value, bias: Value, mean: Value, variance: Value, epsilon: number, name?: string): Value {
    return this.one('BatchNormalization', [x, scale, bias, mean, variance], { epsilon: attr.float(epsilon) }, name);
  }
  /**
   * Training-mode dropout: zeroes each element with probability `ratio` and scales the rest by
   * 1 / (1 - ratio); returns the output and the keep mask (bool). `seed` fixes ORT's generator.
   */
  dropout(x: Value, ratio: number, seed: number, name?: string): [Value, Value] {
    const inputs = [x, this.f32(ratio, 'dropout_ratio'), this.constant('bool', [], Uint8Array.of(1), 'training_mode')];
    const [y, mask] = this.op('Dropout', inputs, { seed: attr.int(seed) }, { name, outputs: 2 });
    return [y, mask];
  }
  /** Y = op(A) * op(B) + C, op = transpose when the flag is set. */
  gemm(a: Value, b: Value, c: Value | null, o: { transA?: boolean; transB?: boolean } = {}, name?: string): Value {
    const attrs: Record<string, AttrValue> = {};
    if (o.transA) attrs.transA = attr.int(1);
    if (o.transB) attrs.transB = attr.int(1);
    return this.one('Gemm', c ? [a, b, c] : [a, b], attrs, name);
  }
  matMul(a: Value, b: Value, name?: string): Value {
    return this.one('MatMul', [a, b], {}, name);
  }
  flatten(x: Value, axis = 1, name?: string): Value {
    return this.one('Flatten', [x], { axis: attr.int(axis) }, name);
  }

  // --- element-wise -------------------------------------------------------------------
  tanh(x: Value, name?: string): Value { return this.one('Tanh', [x], {}, name); }
  relu(x: Value, name?: string): Value { return this.one('Relu', [x], {}, name); }
  /** x for x > 0, alpha * x otherwise. */
  leakyRelu(x: Value, alpha = 0.01, name?: string): Value { return this.one('LeakyRelu', [x], { alpha: attr.float(alpha) }, name); }
  sigmoid(x: Value, name?: string): Value { return this.one('Sigmoid', [x], {}, name); }
  softmax(x: Value, axis: number, name?: string): Value { return this.one('Softmax', [x], { axis: attr.int(axis) }, name); }
  exp(x: Value, name?: string): Value { return this.one('Exp', [x], {}, name); }
  log(x: Value, name?: string): Value { return this.one('Log', [x], {}, name); }
  neg(x: Value, name?: string): Value { return this.one('Neg', [x], {}, name); }
  add(a: Value, b: Value, name?: string): Value { return this.one('Add', [a, b], {}, name); }
  sub(a: Value, b: Value, name?: string): Value { return this.one('Sub', [a, b], {}, name); }
  mul(a: Value, b: Value, name?: string): Value { return this.one('Mul', [a, b], {}, name); }
  div(a: Value, b: Value, name?: string): Value { return this.one('Div', [a, b], {}, name); }
  /** a ** b, elementwise with broadcasting. */
  pow(a: Value, b: Value, name?: string): Value { return this.one('Pow', [a, b], {}, name); }
  sqrt(x: Value, name?: string): Value { return this.one('Sqrt', [x], {}, name); }
  equal(a: Value, b: Value, name?: string): Value { return this.one('Equal', [a, b], {}, name); }
  greater(a: Value, b: Value, name?: string): Value { return this.one('Greater', [a, b], {}, name); }
  less(a: Value, b: Value, name?: string): Value { return this.one('Less', [a, b], {}, name); }
  /** Logical and of two bool tensors. */
  and(a: Value, b: Value, name?: string): Value { return this.one('And', [a, b], {}, name); }
  where(cond: Value, a: Value, b: Value, name?: string): Value { return this.one('Where', [cond, a, b], {}, name); }
  /** ONNX TensorProto data type codes: 1 float, 7 int64, 9 bool. */
  cast(x: Value, to: 'float32' | 'int64' | 'bool', name?: string): Value {
    const code = { float32: 1, int64: 7, bool: 9 }[to];
    return this.one('Cast', [x], { to: attr.int(code) }, name);
  }
  identity(x: Value, name?: string): Value { return this.one('Identity', [x], {}, name); }

  // --- shape --------------------------------------------------------------------------
  shapeOf(x: Value, name?: string): Value { return this.one('Shape', [x], {}, name); }
  /**
   * A Reshape target giving x's shape: a constant when at most one dimension is symbolic (written
   * -1), else a Shape node. A constant keeps int64 shape arithmetic out of the graph (ORT's WebGPU
   * provider would run it on the CPU) and lets ORT fuse across x's producer.
   */
  reshapeTargetOf(x: Value): Value {
    const dims = x.shape;
    if (!dims || dims.filter((d) => typeof d !== 'number').length > 1) return this.shapeOf(x);
    return this.i64(dims.map((d) => (typeof d === 'number' ? d : -1)), 'shape');
  }
  /** Number of elements, as an int64 scalar. */
  size(x: Value, name?: string): Value { return this.one('Size', [x], {}, name); }
  reshape(x: Value, shape: number[] | Value, name?: string): Value {
    return this.one('Reshape', [x, Array.isArray(shape) ? this.i64(shape, 'shape') : shape], {}, name);
  }
  transpose(x: Value, perm: number[], name?: string): Value {
    return this.one('Transpose', [x], { perm: attr.ints(perm) }, name);
  }
  unsqueeze(x: Value, axes: number[], name?: string): Value {
    return this.one('Unsqueeze', [x, this.i64(axes, 'axes')], {}, name);
  }
  /** Zeros added before and after each axis: pads = [begin_0, begin_1, ..., end_0, end_1, ...]. */
  pad(x: Value, pads: number[], name?: string): Value { return this.one('Pad', [x, this.i64(pads, 'pads')], {}, name); }
  /** The inputs joined along `axis`. */
  concat(xs: Value[], axis: number, name?: string): Value { return this.one('Concat', xs, { axis: attr.int(axis) }, name); }
  /** x[..., starts:ends:steps, ...] along `axes` (steps default to 1). */
  slice(x: Value, starts: number[], ends: number[], axes: number[], steps?: number[], name?: string): Value {
    const inputs = [x, this.i64(starts, 'starts'), this.i64(ends, 'ends'), this.i64(axes, 'axes')];
    if (steps?.some((s) => s !== 1)) inputs.push(this.i64(steps, 'steps'));
    return this.one('Slice', inputs, {}, name);
  }
  expand(x: Value, shape: Value, name?: string): Value { return this.one('Expand', [x, shape], {}, name); }
  spaceToDepth(x: Value, blocksize: number, name?: string): Value {
    return this.one('SpaceToDepth', [x], { blocksize: attr.int(blocksize) }, name);
  }
  /** DCR mode: the exact inverse of SpaceToDepth. */
  depthToSpace(x: Value, blocksize: number, name?: string): Value {
    return this.one('DepthToSpace', [x], { blocksize: attr.int(blocksize), mode: attr.string('DCR') }, name);
  }

  // --- reductions and indexing -----------------------------------------------------
  reduceSum(x: Value, axes: number[], keepdims: boolean, name?: string): Value {
    return this.one('ReduceSum', [x, this.i64(axes, 'axes')], { keepdims: attr.int(keepdims ? 1 : 0) }, name);
  }
  reduceMax(x: Value, axes: number[], keepdims: boolean, name?: string): Value {
    return this.one('ReduceMax', [x, this.i64(axes, 'axes')], { keepdims: attr.int(keepdims ? 1 : 0) }, name);
  }
  reduceMean(x: Value, axes: number[], keepdims: boolean, name?: string): Value {
    return this.one('ReduceMean', [x, this.i64(axes, 'axes')], { keepdims: attr.int(keepdims ? 1 : 0) }, name);
  }
  argMax(x: Value, axis: number, keepdims: boolean, name?: string): Value {
    return this.one('ArgMax', [x], { axis: attr.int(axis), keepdims: attr.int(keepdims ? 1 : 0) }, name);
  }
  logSoftmax(x: Value, axis: number, name?: string): Value {
    return this.one('LogSoftmax', [x], { axis: attr.int(axis) }, name);
  }
  /** Slices of x along `axis` at `indices` (a scalar index drops the axis). */
  gather(x: Value, indices: Value, axis: number, name?: string): Value {
    return this.one('Gather', [x, indices], { axis: attr.int(axis) }, name);
  }
  gatherElements(x: Value, indices: Value, axis: number, name?: string): Value {
    return this.one('GatherElements', [x, indices], { axis: attr.int(axis) }, name);
  }
  scatterElements(data: Value, indices: Value, updates: Value, axis: number, name?: string): Value {
    return this.one('ScatterElements', [data, indices, updates], { axis: attr.int(axis) }, name);
  }
  /** A float32 tensor of zeros with x's (runtime) shape. */
  zerosLike(x: Value, name?: string): Value {
    const zero = { name: 'value', dtype: 'float32' as const, dims: [1], data: new Float32Array(1) };
    return this.one('ConstantOfShape', [this.shapeOf(x)], { value: attr.tensor(zero) }, name);
  }
}
