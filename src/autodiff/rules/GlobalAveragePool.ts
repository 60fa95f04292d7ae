import { GradRule, staticDims } from '../grad-rule';

// y[n,c] = mean over the H x W positions of x[n,c];  dx[n,c,i,j] = dy[n,c] / (H W)
export const GlobalAveragePool: GradRule = ({ b, dy, input, node }) => {
  const spatial = staticDims(input(0), `GlobalAveragePool '${node.name}' gradient`, 2);
  const positions = spatial.reduce((p, d) => p * d, 1);
  // dy [N,C,1,1] times a constant [1,1,H,W] of 1/(HW): the broadcast spreads it over every position.
  const share = b.constant('float32', [1, 1, ...spatial], new Float32Array(positions).fill(1 / positions), 'mean_share');
  return [b.mul(dy, share)];
};
