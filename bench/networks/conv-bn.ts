// The layer both benchmark networks are made of: a convolution without bias (`name.weight`) and a
// batch norm after it (`name.bn`, on batch statistics in training).
import { GraphBuilder } from '../../src/graph/graph-builder';
import { batchNorm, batchNormSpecs } from '../../src/graph/layers';
import { ForwardContext, ParamSpec, StateSpec } from '../../src/graph/model-definition';
import { Value } from '../../src/graph/types';

/** Declares the layer's weight [out, in / group, k, k] and its batch norm's parameters and state. */
export function declareConvBn(params: ParamSpec[], state: StateSpec[], name: string, dims: [number, number, number, number]): void {
  const bn = batchNormSpecs(`${name}.bn`, dims[0]);
  params.push({ name: `${name}.weight`, dims, init: 'xavier' }, ...bn.params);
  state.push(...bn.state);
}

/** The layer on v: a convolution (padding (k - 1) / 2 unless told) and its batch norm. */
export function convBn(b: GraphBuilder, ctx: ForwardContext, p: Record<string, Value>, v: Value, name: string, o: { stride?: number; pad?: number; group?: number } = {}): Value {
  const k = p[`${name}.weight`].shape![2] as number;
  const { stride = 1, pad = (k - 1) / 2, group = 1 } = o;
  const y = b.conv(v, p[`${name}.weight`], null, { strides: [stride, stride], pads: [pad, pad, pad, pad], group }, name);
  return batchNorm(b, ctx, y, p, `${name}.bn`);
}
