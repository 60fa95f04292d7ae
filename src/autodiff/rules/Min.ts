import { GradRule, unbroadcast } from '../grad-rule';

// y = min(a, b);  da = dy * (a <= b),  db = dy * (a > b) (a tie goes to the first input)
export const Min: GradRule = ({ b, dy, input, needs, node }) => {
  if (node.inputs.length !== 2) throw new Error(`Min '${node.name}': gradient supports two inputs`);
  const firstWins = b.cast(b.op('LessOrEqual', [input(0), input(1)])[0], 'float32');
  return [
    needs(0) ? unbroadcast(b, b.mul(dy, firstWins), input(0)) : null,
    needs(1) ? unbroadcast(b, b.mul(dy, b.sub(b.f32(1, 'one'), firstWins)), input(1)) : null,
  ];
};
