// The parameters as session feeds and back, shared by the engines that run the project's graphs.
import { ModelDefinition } from '../graph/model-definition';
import { HostTensor } from '../runtime/host-tensor';
import { ParamValues } from './init';

/** One float32 feed per parameter, named as the graphs' parameter inputs. */
export function parameterFeeds(def: ModelDefinition, params: ParamValues): Record<string, HostTensor> {
  return Object.fromEntries(def.params.map((p) => [p.name, { dtype: 'float32', dims: p.dims, data: params.get(p.name)! }]));
}

/** The parameters held in feeds (as parameterFeeds names them). */
export function parametersIn(def: ModelDefinition, feeds: Record<string, HostTensor>): ParamValues {
  return new Map(def.params.map((p) => [p.name, feeds[p.name].data as Float32Array]));
}

export const learningRateFeed = (lr: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(lr) });
