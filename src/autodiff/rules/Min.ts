import { GradRule, toTheWinner } from '../grad-rule';

// y = min(a, b);  da = dy * (a <= b),  db = dy * (a > b) (a tie goes to the first input)
export const Min: GradRule = (ctx) => toTheWinner(ctx, 'LessOrEqual');
