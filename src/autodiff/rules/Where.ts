import { GradRule, unbroadcast } from '../grad-rule';

// y = c ? a : b;  da = c ? dy : 0,  db = c ? 0 : dy (each summed back to its input's shape)
export const Where: GradRule = ({ b, dy, input, needs }) => {
  const zero = b.sub(dy, dy);
  const c = input(0);
  return [
    null,
    needs(1) ? unbroadcast(b, b.where(c, dy, zero), input(1)) : null,
    needs(2) ? unbroadcast(b, b.where(c, zero, dy), input(2)) : null,
  ];
};
