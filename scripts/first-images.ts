// The first `count` images of a dataset, for a quick run of an example.
import { Dataset, datasets } from '../src/index';

export function firstImages(d: Dataset, count: number): Dataset {
  const n = Math.min(count, d.images.count);
  const size = d.images.rows * d.images.cols;
  return datasets.fromArrays({ name: `${d.name}[:${n}]`, pixels: d.images.pixels.subarray(0, n * size), rows: d.images.rows, cols: d.images.cols, labels: d.labels.subarray(0, n), classNames: d.classNames });
}
