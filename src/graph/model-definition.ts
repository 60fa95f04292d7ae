// What an architecture file provides: its parameters and a forward pass written with the DSL.
import { GraphBuilder } from './graph-builder';
import { Value } from './types';

export interface ParamSpec {
  name: string;
  dims: number[];
  /** 'xavier' for weights (fan-in/out from dims), 'zeros' for biases. */
  init: 'xavier' | 'zeros';
}

export interface ModelDefinition {
  name: string;
  /** Shape of one input sample, e.g. [1, 28, 28]; the batch dimension is added in front. */
  sampleDims: number[];
  classes: number;
  params: ParamSpec[];
  /** Builds logits [N, classes] from x [N, ...sampleDims]. */
  forward(b: GraphBuilder, x: Value, params: Record<string, Value>): Value;
}

/** Opset and IR version of every model the project writes (the ORT training build accepts <= 21 / <= 10). */
export const OPSET = 18;
export const IR_VERSION = 8;
export const PRODUCER = { name: 'lenet-onnx-ts', version: '0.1.0' };
export const BATCH_DIM = 'N';

export const paramCount = (def: ModelDefinition) =>
  def.params.reduce((n, p) => n + p.dims.reduce((a, d) => a * d, 1), 0);
