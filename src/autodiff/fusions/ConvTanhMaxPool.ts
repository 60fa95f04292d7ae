import { intAttr, intsAttr, staticDims } from '../grad-rule';
import { FusedGradRule } from '../grad-rule';
import { Value } from '../../graph/types';

// y = maxpool(tanh(conv(x, W) + B)) with x needing no gradient (a first layer);
// dW[co,(ci,t)] = sum over (n, window offset, pooled position) of dA * patches, where dA is the
// gradient at the conv output *in window order* (windows as channels, as the max-pool gradient
// builds it). A sum does not care about the order of its terms, so the patches are cut out in the
// same window order (a stride-k conv with one-hot kernels) and the un-pooling DepthToSpace is skipped.
// dB = sum of dA.
export const ConvTanhMaxPool: FusedGradRule = {
  chain: ['Conv', 'Tanh', 'MaxPool'],
  applies: ([conv, , pool], needs) => {
    const k = intsAttr(pool, 'kernel_shape') ?? [];
    const s = intsAttr(pool, 'strides') ?? [];
    const plainConv =
      (intsAttr(conv, 'strides') ?? [1, 1]).every((v) => v === 1) &&
      (intsAttr(conv, 'pads') ?? [0, 0, 0, 0]).every((v) => v === 0) &&
      (intsAttr(conv, 'dilations') ?? [1, 1]).every((v) => v === 1) &&
      intAttr(conv, 'group', 1) === 1;
    const tiledPool = k.length === 2 && k[0] === k[1] && s[0] === k[0] && s[1] === k[0] && !(intsAttr(pool, 'pads') ?? []).some((p) => p);
    const [H, W] = conv.outputs[0].shape?.slice(2) ?? [];
    return !needs(0) && plainConv && tiledPool && typeof H === 'number' && typeof W === 'number' && H % k[0] === 0 && W % k[0] === 0;
  },
  rule: ({ b, dy, chain: [conv, tanh, pool], needs }) => {
    const x = conv.inputs[0]!;
    const [cout, cin, kh, kw] = staticDims(conv.inputs[1]!, `Conv '${conv.name}' gradient`);
    const a = tanh.outputs[0];
    const y = pool.outputs[0];
    const s = intsAttr(pool, 'kernel_shape')![0];
    const [H, W] = staticDims(a, `MaxPool '${pool.name}' gradient`, 2);
    const [h, w] = [H / s, W / s];
    const offsets = s * s;
    // The max-pool gradient with tanh' at pooled resolution, kept in window order [N, s*s, C, h, w].
    const g = b.mul(dy, b.sub(b.f32(1, 'one'), b.mul(y, y)));
    const windows = b.reshape(b.spaceToDepth(a, s), [-1, offsets, cout, h, w]);
    const isMax = b.cast(b.equal(windows, b.unsqueeze(y, [1])), 'float32');
    const dA = b.mul(isMax, b.div(b.unsqueeze(g, [1]), b.reduceSum(isMax, [1], true)));
    const dB = (): Value => b.reduceSum(dA, [0, 1, 3, 4], false);
    const dW = (): Value => {
      // Patches in the same order: channel (ci, offset, tap) of a stride-s conv whose one-hot kernels
      // of size (kh+s-1) x (kw+s-1) pick input pixel (oy+th, ox+tw) for window offset (oy, ox).
      const taps = kh * kw;
      const [ph, pw] = [kh + s - 1, kw + s - 1];
      const oneHot = new Float32Array(cin * offsets * taps * ph * pw);
      for (let c = 0; c < cin; c++)
        for (let o = 0; o < offsets; o++)
          for (let t = 0; t < taps; t++) {
            const [oy, ox, th, tw] = [Math.floor(o / s), o % s, Math.floor(t / kw), t % kw];
            oneHot[(((c * offsets + o) * taps + t) * ph + oy + th) * pw + ox + tw] = 1;
          }
      const unfold = b.constant('float32', [cin * offsets * taps, 1, ph, pw], oneHot, 'window_im2col_kernel');
      const patches = b.conv(x, unfold, null, { strides: [s, s], group: cin }); // [N, cin*s*s*taps, h, w]
      const P = b.reshape(b.transpose(b.reshape(patches, [-1, cin, offsets, taps, h * w]), [1, 3, 0, 2, 4]), [cin * taps, -1]);
      const D = b.reshape(b.transpose(b.reshape(dA, [-1, offsets, cout, h * w]), [2, 0, 1, 3]), [cout, -1]);
      return b.reshape(b.gemm(D, P, null, { transB: true }), [cout, cin, kh, kw]);
    };
    return [null, needs(1) ? dW() : null, conv.inputs[2] && needs(2) ? dB() : null];
  },
};
