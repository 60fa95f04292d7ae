// An independent float64 LeNet forward pass and loss, written plainly for the tests
// (no ONNX, no autodiff): the reference that the derived ORT gradients are checked against.
export type Params64 = Record<string, Float64Array>;

function conv(x: Float64Array, n: number, cin: number, hw: number, w: Float64Array, bias: Float64Array, cout: number, k: number) {
  const o = hw - k + 1;
  const y = new Float64Array(n * cout * o * o);
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let i = 0; i < o; i++)
        for (let j = 0; j < o; j++) {
          let s = bias[co];
          for (let ci = 0; ci < cin; ci++)
            for (let di = 0; di < k; di++)
              for (let dj = 0; dj < k; dj++)
                s += x[((b * cin + ci) * hw + i + di) * hw + j + dj] * w[((co * cin + ci) * k + di) * k + dj];
          y[((b * cout + co) * o + i) * o + j] = Math.tanh(s);
        }
  return { y, o };
}

function pool(x: Float64Array, n: number, c: number, hw: number) {
  const o = hw / 2;
  const y = new Float64Array(n * c * o * o);
  for (let p = 0; p < n * c; p++)
    for (let i = 0; i < o; i++)
      for (let j = 0; j < o; j++) {
        const at = (di: number, dj: number) => x[(p * hw + 2 * i + di) * hw + 2 * j + dj];
        y[(p * o + i) * o + j] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
      }
  return y;
}

function dense(x: Float64Array, n: number, fin: number, w: Float64Array, bias: Float64Array, fout: number, act: boolean) {
  const y = new Float64Array(n * fout);
  for (let b = 0; b < n; b++)
    for (let u = 0; u < fout; u++) {
      let s = bias[u];
      for (let i = 0; i < fin; i++) s += x[b * fin + i] * w[u * fin + i];
      y[b * fout + u] = act ? Math.tanh(s) : s;
    }
  return y;
}

/** Mean softmax cross-entropy of LeNet on x [n,1,28,28] with labels y. */
export function lenetLoss64(p: Params64, x: Float64Array, labels: number[]): number {
  const n = labels.length;
  const c1 = conv(x, n, 1, 28, p['conv1.weight'], p['conv1.bias'], 20, 5);
  const p1 = pool(c1.y, n, 20, 24);
  const c2 = conv(p1, n, 20, 12, p['conv2.weight'], p['conv2.bias'], 50, 5);
  const p2 = pool(c2.y, n, 50, 8);
  const d1 = dense(p2, n, 800, p['dense1.weight'], p['dense1.bias'], 500, true);
  const logits = dense(d1, n, 500, p['dense2.weight'], p['dense2.bias'], 10, false);
  let loss = 0;
  for (let b = 0; b < n; b++) {
    const row = logits.subarray(b * 10, b * 10 + 10);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    loss += lse - row[labels[b]];
  }
  return loss / n;
}
