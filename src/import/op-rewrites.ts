// Imported ops that are emitted as other standard ops: those the project's opset (18) lacks, those
// whose training behaviour is PyTorch's eval() (Dropout passes its input through), and those some
// execution providers lack a kernel for (GlobalAveragePool on WebGPU).
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
  // Gelu (opset 20): 0.5 x (1 + erf(x / sqrt 2)), or with approximate='tanh' 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
  Gelu: (b, node, [x]) => {
    const inner = stringAttr(node, 'approximate', 'none') === 'tanh'
      ? b.tanh(b.mul(b.f32(Math.sqrt(2 / Math.PI), 'sqrt_2_over_pi'), b.add(x!, b.mul(b.f32(0.044715, 'gelu_c'), b.mul(x!, b.mul(x!, x!))))))
      : b.op('Erf', [b.mul(x!, b.f32(Math.SQRT1_2, 'inv_sqrt2'))])[0];
    return [b.mul(b.mul(b.f32(0.5, 'half'), x!), b.add(b.f32(1, 'one'), inner))];
  },
};
