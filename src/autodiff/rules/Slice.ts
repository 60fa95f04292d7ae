import { GradRule, staticDims } from '../grad-rule';

// y = x[starts:ends] on some axes (step 1);  dx = dy padded with zeros back to x's size: pad start, dim - end on each sliced axis
export const Slice: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const read = (i: number) => {
    const t = node.inputs[i] ? b.constantOf(node.inputs[i]) : undefined;
    if (node.inputs[i] && !t) throw new Error(`Slice '${node.name}': gradient needs constant starts, ends, axes and steps`);
    return t && Array.from(t.data as BigInt64Array, Number);
  };
  const [starts, ends, axesGiven, steps] = [read(1)!, read(2)!, read(3), read(4)];
  if (steps?.some((s) => s !== 1)) throw new Error(`Slice '${node.name}': gradient supports steps of 1`);
  const rank = x.shape?.length ?? 0;
  const pads = Array(2 * rank).fill(0);
  (axesGiven ?? starts.map((_, i) => i)).forEach((a, i) => {
    const axis = a < 0 ? a + rank : a;
    const [size] = staticDims(x, `Slice '${node.name}' gradient`, axis).slice(0, 1);
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    pads[axis] = clamp(starts[i]);
    pads[axis + rank] = size - Math.max(clamp(ends[i]), clamp(starts[i]));
  });
  return [b.pad(dy, pads), null, null, null, null];
};
