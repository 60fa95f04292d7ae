import { GradRule, toTheWinner } from '../grad-rule';

// y = max(a, b);  da = dy * (a >= b),  db = dy * (a < b) (a tie goes to the first input)
export const Max: GradRule = (ctx) => toTheWinner(ctx, 'GreaterOrEqual');
