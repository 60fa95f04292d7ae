// Imported ops that are emitted as other standard ops: those the project's opset (18) lacks, those
// whose training behaviour is PyTorch's eval() (Dropout passes its input through), those some
// execution providers lack a kernel for (GlobalAveragePool on WebGPU), and those whose gradient
// follows from simpler ops' (Split as Slices, Sum and Mean as Adds).
import { GraphBuilder } from '../graph/graph-builder';
import { Node, Value } from '../graph/types';

type Rewrite = (b: GraphBuilder, node: Node, inputs: (Value | null)[]) => Value[];

const stringAttr = (node: Node, name: string, dflt: string) => {
  const a = node.attrs[name];
  return a?.kind === 'string' ? a.value : dflt;
};

export const OP_REWRITES: Record<string, Rewrite> = {
  // Dropout in eval(): y = x (a mask output, if used, is refused where it is read).
  Dropout: (_b, _node, [x]) => [x!],
  // CastLike(x, like) = Cast(x, to = like's type); x itself when the types already agree.
  CastLike: (b, _node, [x, like]) => [x!.dtype === like!.dtype ? x! : b.cast(x!, like!.dtype)],
  // GlobalAveragePool(x) = ReduceMean over the spatial axes, kept as 1 (the same numbers; every provider has the kernel).
  GlobalAveragePool: (b, node, [x]) => {
    const rank = x!.shape?.length;
    if (rank === undefined) throw new Error(`GlobalAveragePool '${node.name}': the rank of '${x!.name}' is unknown`);
    return [b.reduceMean(x!, Array.from({ length: rank - 2 }, (_, i) => i + 2), true)];
  },
  // Split(x) along `axis` into the sizes of its `split` input, or equal parts: one Slice per output.
  Split: (b, node, [x, sizes]) => {
    const dims = x!.shape;
    const axis = ((node.attrs.axis?.kind === 'int' ? node.attrs.axis.value : 0) + (dims?.length ?? 0)) % (dims?.length || 1);
    const size = dims?.[axis];
    if (typeof size !== 'number') throw new Error(`Split '${node.name}': axis ${axis} of '${x!.name}' needs a static size`);
    const given = sizes && b.constantOf(sizes);
    if (sizes && !given) throw new Error(`Split '${node.name}': needs constant split sizes`);
    const parts = node.outputs.length;
    const chunk = Math.ceil(size / parts); // equal parts, the last one smaller where they do not divide (opset 18)
    const lengths = given ? Array.from(given.data as BigInt64Array, Number) : Array.from({ length: parts }, (_, i) => Math.min(chunk, size - chunk * i));
    let at = 0;
    return lengths.map((n) => b.slice(x!, [at], [(at += n)], [axis]));
  },
  // Sum(a, b, ...) = a + b + ...;  Mean(...) = Sum(...) / count.
  Sum: (b, _node, inputs) => [inputs.slice(1).reduce((acc: Value, v) => b.add(acc, v!), inputs[0]!)],
  Mean: (b, _node, inputs) => [b.div(inputs.slice(1).reduce((acc: Value, v) => b.add(acc, v!), inputs[0]!), b.f32(inputs.length, 'count'))],
  // Gelu (opset 20): 0.5 x (1 + erf(x / sqrt 2)), or with approximate='tanh' 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
  Gelu: (b, node, [x]) => {
    const inner = stringAttr(node, 'approximate', 'none') === 'tanh'
      ? b.tanh(b.mul(b.f32(Math.sqrt(2 / Math.PI), 'sqrt_2_over_pi'), b.add(x!, b.mul(b.f32(0.044715, 'gelu_c'), b.mul(x!, b.mul(x!, x!))))))
      : b.op('Erf', [b.mul(x!, b.f32(Math.SQRT1_2, 'inv_sqrt2'))])[0];
    return [b.mul(b.mul(b.f32(0.5, 'half'), x!), b.add(b.f32(1, 'one'), inner))];
  },
};
