import { GradRule, intAttr } from '../grad-rule';

// y[i] = x[idx[i]] along axis;  dx = scatter-add of dy into zeros(x) at idx (repeated indices add up)
export const GatherElements: GradRule = ({ b, dy, input, node }) => {
  const x = input(0);
  const axis = intAttr(node, 'axis', 0);
  const scattered = b.op('ScatterElements', [b.zerosLike(x), input(1), dy], {
    axis: { kind: 'int', value: axis },
    reduction: { kind: 'string', value: 'add' },
  })[0];
  return [scattered, null];
};
