// Parameter initialization, seeded. Xavier as MXNet defines it (mx.init.Xavier):
// uniform in [-s, s], s = sqrt(magnitude / factor), factor 'avg' = (fan_in + fan_out) / 2,
// fan_in = dims[1] * receptive field, fan_out = dims[0] * receptive field.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { ModelDefinition, ParamSpec, ParamValues, StateSpec, stateOf } from '../../graph/model-definition';

export const XAVIER_MAGNITUDE = 2.24;

export function xavierScale(dims: number[], magnitude = XAVIER_MAGNITUDE): number {
  if (dims.length < 2) throw new Error(`Xavier init needs a weight of rank >= 2, got [${dims}]`);
  const receptive = dims.slice(2).reduce((a, d) => a * d, 1);
  const fanIn = dims[1] * receptive;
  const fanOut = dims[0] * receptive;
  return Math.sqrt(magnitude / ((fanIn + fanOut) / 2));
}

/** Parameters (Xavier or their declared constant) and model state (its declared initial value); an imported model's from its file. */
export function initParams(def: ModelDefinition, seed: number, magnitude = XAVIER_MAGNITUDE): ParamValues {
  if (def.imported) return new Map([...def.imported.values].map(([name, v]) => [name, v.slice()]));
  const rng = xoroshiro128plus(seed);
  const values: ParamValues = new Map();
  for (const spec of def.params) values.set(spec.name, initOne(spec, () => uniformFloat64(rng), magnitude));
  for (const spec of stateOf(def)) values.set(spec.name, initOne(spec, () => 0, magnitude));
  return values;
}

function initOne(spec: ParamSpec | StateSpec, random: () => number, magnitude: number): Float32Array {
  const data = new Float32Array(spec.dims.reduce((a, d) => a * d, 1));
  if (spec.init === 'zeros') return data;
  if (spec.init === 'ones') return data.fill(1);
  if (spec.init === 'file') throw new Error(`parameter '${spec.name}' takes its values from an imported file, and the model has none`);
  const s = xavierScale(spec.dims, magnitude);
  for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * s;
  return data;
}

/** A weight of `dims`, Xavier-initialized from `seed` (a layer added to an imported model). */
export function xavierWeight(dims: number[], seed: number, magnitude = XAVIER_MAGNITUDE): Float32Array {
  const rng = xoroshiro128plus(seed);
  return initOne({ name: 'weight', dims, init: 'xavier' }, () => uniformFloat64(rng), magnitude);
}
