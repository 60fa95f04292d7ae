// What an architecture file provides: its parameters and a forward pass written with the DSL.
import type { PixelNormalization } from '../data/pixel-normalization';
import { GraphBuilder } from './graph-builder';
import { Tensor, Value } from './types';

export interface ParamSpec {
  name: string;
  dims: number[];
  /** 'xavier' for weights (fan-in/out from dims), 'zeros' for biases, 'ones' for normalization scales; 'file' for an imported model's (ModelDefinition.imported). */
  init: 'xavier' | 'zeros' | 'ones' | 'file';
}

/**
 * A tensor the model carries from step to step without a gradient (BatchNorm's running mean and
 * variance): updated by the training forward pass, read by the inference model, checkpointed.
 */
/**
 * Tensor values by name: a model's parameters and model state (BatchNorm running statistics), and
 * during training also the optimizer's state (momentum buffers, Adam's moments, the step count).
 */
export type ParamValues = Map<string, Float32Array>;

export interface StateSpec {
  name: string;
  dims: number[];
  /** 'file' for an imported model's (ModelDefinition.imported). */
  init: 'zeros' | 'ones' | 'file';
}

/** What a forward pass is emitted for: the training graphs, or the exported inference model. */
export type ForwardMode = 'train' | 'infer';

export interface ForwardContext {
  mode: ForwardMode;
  /** The model's state tensors (see ModelDefinition.state), by name. */
  state: Record<string, Value>;
  /** In training mode: the value state tensor `name` takes after this step (unchanged when never set). */
  setState(name: string, next: Value): void;
  /**
   * In training mode: uniform random values in [0, 1) of shape [N, ...dims], fresh at every step
   * (dropout masks). They are fed by the host, drawn from the recipe's seed and the step's number,
   * so a run (and a resumed one) draws the same values on every engine and device.
   */
  random(name: string, dims: number[]): Value;
}

/** The graph input holding the random values ctx.random(name, ...) draws. */
export const randomInputName = (name: string) => `random.${name}`;

/** Makes the graph input behind ctx.random(name, dims) (training graphs only). */
export type RandomSource = (name: string, dims: number[]) => Value;

/** A forward context for `mode`, over the given state values; `updates` collects setState calls. */
export function forwardContext(mode: ForwardMode, state: Record<string, Value>, updates = new Map<string, Value>(), random?: RandomSource): ForwardContext {
  const drawn = new Map<string, Value>();
  return {
    mode,
    state,
    setState(name, next) {
      if (!(name in state)) throw new Error(`setState('${name}'): the model declares no state tensor of that name (state: ${Object.keys(state).join(', ') || 'none'})`);
      if (mode !== 'train') throw new Error(`setState('${name}'): state changes only in training mode`);
      updates.set(name, next);
    },
    random(name, dims) {
      if (mode !== 'train' || !random) throw new Error(`random('${name}'): random values exist only in the training graphs`);
      if (drawn.has(name)) throw new Error(`random('${name}'): drawn twice in one forward pass; give each use its own name`);
      const v = random(name, dims);
      drawn.set(name, v);
      return v;
    },
  };
}

/**
 * The losses a model trains with, as PyTorch names them: softmax cross-entropy on the scores
 * (CrossEntropyLoss), mean squared error (MSELoss), mean absolute error (L1Loss), binary
 * cross-entropy on each output's logit (BCEWithLogitsLoss); the targets are the one-hot labels.
 */
export const LOSS_NAMES = ['cross-entropy', 'mse', 'l1', 'bce'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export interface ModelDefinition {
  name: string;
  /** Shape of one input sample, e.g. [1, 28, 28]; the batch dimension is added in front. */
  sampleDims: number[];
  classes: number;
  params: ParamSpec[];
  /** How a picture's bytes become this model's input (absent: MNIST's convention, pixels / 255). */
  pixels?: PixelNormalization;
  /** Non-trainable state carried between steps (absent: none). */
  state?: StateSpec[];
  /** What training minimizes on its outputs (absent: softmax cross-entropy); see LOSS_NAMES. */
  loss?: LossName;
  /** Set when training feeds target values (float32 [N, classes], Dataset.targets) instead of labels. */
  targetValues?: boolean;
  /** Builds logits [N, classes] from x [N, ...sampleDims]; `ctx` says the mode and holds the state. */
  forward(b: GraphBuilder, x: Value, params: Record<string, Value>, ctx: ForwardContext): Value;
  /**
   * Set for a model imported from an ONNX file (importModel): the file, which export writes again
   * with the trained values and with `inlined` (initializers it kept in external files), and the
   * values in it that training starts from; `frozen` counts its float tensors that do not train.
   */
  imported?: {
    file: Uint8Array;
    values: ParamValues;
    inlined: Tensor[];
    frozen: { tensors: number; values: number };
    /** Set when a new head was put on it (importModel's newHead): the tensor it reads, that tensor's sizes after the batch, and the head's parameters. */
    head?: { features: string; featureDims: number[]; params: string[] };
  };
}

/** Opset and IR version of every model the project writes (the ORT training build accepts <= 21 / <= 10). */
export const OPSET = 18;
export const IR_VERSION = 8;
export const PRODUCER = { name: 'lenet-onnx-ts', version: '0.1.0' };
export const BATCH_DIM = 'N';

export const paramCount = (def: ModelDefinition) =>
  def.params.reduce((n, p) => n + p.dims.reduce((a, d) => a * d, 1), 0);

export const stateOf = (def: ModelDefinition): StateSpec[] => def.state ?? [];
