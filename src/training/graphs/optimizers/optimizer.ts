// An optimizer: the state it keeps per parameter (momentum buffers, Adam's moments) and for the
// whole run (the step count), each with its initial value, and its update as standard ONNX ops
//   (parameter, gradient, state..., lr) -> (parameter', state'...).
// State tensors travel exactly like parameters: inputs and `.updated` outputs of the step graph,
// loop-carried in the K-step Loop, through the data-parallel update graph, in the checkpoint.
// The rest of the house asks this file, never a particular optimizer.
import { GraphBuilder } from '../../../graph/graph-builder';
import { ModelDefinition, stateOf } from '../../../graph/model-definition';
import { Value } from '../../../graph/types';
import { adam, adamw } from './adam';
import type { Optimizer, OptimizerConfig, OptimizerName, SettingKey, SettingSpec } from './optimizer-interface';
import { sgd } from './sgd';

export type { Optimizer, OptimizerConfig, OptimizerName, SettingKey, SettingRange, SettingSpec, Shared } from './optimizer-interface';
export { PLAIN_SGD } from './optimizer-interface';

/** Every optimizer, by the name --optimizer takes. A new one: its file, and an entry here. */
export const OPTIMIZERS: Record<OptimizerName, Optimizer> = { sgd, adam, adamw };

const implementationOf = (c: OptimizerConfig): Optimizer => OPTIMIZERS[c.name];

const slotName = (param: string, slot: string) => `${param}.${slot}`;
const scalarName = (scalar: string) => `optimizer.${scalar}`;

/** One tensor the training graphs carry from step to step: a parameter, model state or a piece of optimizer state. */
export interface CarriedTensor {
  name: string;
  dims: number[];
  /**
   * 'param': trained, from the initialization; 'model-state': the model's own state (BatchNorm's
   * running statistics), from its declared initial value, updated by the forward pass;
   * 'state': optimizer state, starting at zero.
   */
  kind: 'param' | 'model-state' | 'state';
}

/** Every tensor carried from step to step, parameters first, then model state, then optimizer state, in a fixed order. */
export function carriedTensors(def: ModelDefinition, c: OptimizerConfig): CarriedTensor[] {
  const opt = implementationOf(c);
  const { slots, scalars } = opt.state(c);
  return [
    ...def.params.map((p) => ({ name: p.name, dims: p.dims, kind: 'param' as const })),
    ...stateOf(def).map((s) => ({ name: s.name, dims: s.dims, kind: 'model-state' as const })),
    ...def.params.flatMap((p) => slots.map((s) => ({ name: slotName(p.name, s), dims: p.dims, kind: 'state' as const }))),
    ...scalars.map((s) => ({ name: scalarName(s), dims: [], kind: 'state' as const })),
  ];
}


/** Zeros for every state tensor of `c` (the optimizer's starting state). */
export function initialOptimizerState(def: ModelDefinition, c: OptimizerConfig): Map<string, Float32Array> {
  return new Map(
    carriedTensors(def, c)
      .filter((t) => t.kind === 'state')
      .map((t) => [t.name, new Float32Array(t.dims.reduce((a, d) => a * d, 1))]),
  );
}

/**
 * The update of every parameter and state tensor on builder b. `current` maps each carried name
 * to its value now, `grads` each parameter to its gradient; returns each carried name's next value.
 */
export function applyOptimizer(
  b: GraphBuilder,
  def: ModelDefinition,
  c: OptimizerConfig,
  current: (name: string) => Value,
  grads: (param: string) => Value,
  lr: Value,
): Map<string, Value> {
  const opt = implementationOf(c);
  const { slots, scalars: scalarNames } = opt.state(c);
  const scalars = Object.fromEntries(scalarNames.map((s) => [s, current(scalarName(s))]));
  const { shared, scalarsNext } = opt.shared(b, lr, scalars, c);
  const next = new Map<string, Value>();
  for (const p of def.params) {
    const state = Object.fromEntries(slots.map((s) => [s, current(slotName(p.name, s))]));
    const u = opt.update(b, { param: current(p.name), grad: grads(p.name), slots: state }, shared, c);
    next.set(p.name, u.param);
    for (const s of slots) next.set(slotName(p.name, s), u.slots[s]);
  }
  for (const s of Object.keys(scalars)) next.set(scalarName(s), scalarsNext[s]);
  return next;
}

/** A short description for logs and model metadata: "SGD lr 0.03", "AdamW lr 0.001, betas (0.9, 0.999), ...". */
export function describeOptimizer(c: OptimizerConfig, lr?: number): string {
  return implementationOf(c).describe(c, lr === undefined ? '' : ` lr ${lr}`);
}

/** Every setting any optimizer declares, once, in table order: [key, the optimizers that take it]. */
export function allSettings(): [SettingKey, [OptimizerName, SettingSpec][]][] {
  const byKey = new Map<SettingKey, [OptimizerName, SettingSpec][]>();
  for (const [name, opt] of Object.entries(OPTIMIZERS) as [OptimizerName, Optimizer][]) {
    for (const s of opt.settings) byKey.set(s.key, [...(byKey.get(s.key) ?? []), [name, s]]);
  }
  return [...byKey];
}
