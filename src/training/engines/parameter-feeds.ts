// The carried tensors (parameters and optimizer state) as session feeds and back, shared by the
// engines that run the project's graphs.
import { HostTensor } from '../../runtime/host-tensor';
import { ParamValues } from '../../graph/model-definition';
import { CarriedTensor } from '../graphs/optimizers/optimizer';

/** One float32 feed per carried tensor, named as the graphs' inputs. */
export function carriedFeeds(carried: readonly CarriedTensor[], values: ParamValues): Record<string, HostTensor> {
  return Object.fromEntries(
    carried.map((t) => {
      const data = values.get(t.name);
      if (!data) throw new Error(`no value for ${t.name} (a checkpoint of another optimizer?)`);
      return [t.name, { dtype: 'float32', dims: t.dims, data }];
    }),
  );
}

/** The carried tensors held in feeds (as carriedFeeds names them). */
export function carriedIn(carried: readonly CarriedTensor[], feeds: Record<string, HostTensor>): ParamValues {
  return new Map(carried.map((t) => [t.name, feeds[t.name].data as Float32Array]));
}

export const learningRateFeed = (lr: number): HostTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(lr) });
