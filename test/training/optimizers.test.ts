// Each optimizer's update graph against a float64 implementation of torch.optim's algorithms,
// several steps on small tensors with a different learning rate each step; and on LeNet, the step
// graph's update against the same reference applied to the gradient graph's gradients.
import { lenet } from '../../model/lenet.onnx-builder';
import { ModelDefinition } from '../../src/graph/model-definition';
import { encodeModel } from '../../src/onnx/encode';
import { HostTensor } from '../../src/runtime/host-tensor';
import { initParams } from '../../src/training/graphs/init';
import { carriedTensors, initialOptimizerState, OptimizerConfig, PLAIN_SGD } from '../../src/training/graphs/optimizers/optimizer';
import { buildGradientGraph, buildTrainingStep, buildUpdateGraph, gradName, updatedName } from '../../src/training/graphs/step-graph';
import { openSession } from '../helpers/run-model';
import { loadSplit } from '../../src/data/dataset-files';
import { MNIST_DIR } from '../helpers/mnist-dir';
import { fillBatch } from '../../src/data/dataset';
import { inOrder } from '../../src/data/shuffle';

/** torch.optim.SGD / Adam / AdamW for one tensor, in float64. */
class Reference {
  private buf?: Float64Array<ArrayBufferLike>;
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  constructor(private readonly c: OptimizerConfig, public p: Float64Array<ArrayBufferLike>) {
    this.m = new Float64Array(p.length);
    this.v = new Float64Array(p.length);
  }
  step(grad: ArrayLike<number>, lr: number): void {
    const { c, p } = this;
    this.t++;
    if (c.name === 'sgd') {
      const g = Float64Array.from(grad, (x, i) => x + c.weightDecay * p[i]);
      let d: Float64Array<ArrayBufferLike> = g;
      if (c.momentum) {
        this.buf = this.buf ? this.buf.map((b, i) => c.momentum * b + (1 - c.dampening) * g[i]) : Float64Array.from(g);
        d = c.nesterov ? g.map((x, i) => x + c.momentum * this.buf![i]) : this.buf;
      }
      for (let i = 0; i < p.length; i++) p[i] -= lr * d[i];
      return;
    }
    if (c.name === 'adamw') for (let i = 0; i < p.length; i++) p[i] *= 1 - lr * c.weightDecay;
    const bc1 = 1 - c.beta1 ** this.t;
    const bc2 = 1 - c.beta2 ** this.t;
    for (let i = 0; i < p.length; i++) {
      const g = grad[i] + (c.name === 'adam' ? c.weightDecay * p[i] : 0);
      this.m[i] = c.beta1 * this.m[i] + (1 - c.beta1) * g;
      this.v[i] = c.beta2 * this.v[i] + (1 - c.beta2) * g * g;
      p[i] -= (lr / bc1) * (this.m[i] / (Math.sqrt(this.v[i]) / Math.sqrt(bc2) + c.eps));
    }
  }
}

const CONFIGS: [string, OptimizerConfig][] = [
  ['SGD', PLAIN_SGD],
  ['SGD + weight decay', { ...PLAIN_SGD, weightDecay: 0.1 }],
  ['SGD momentum', { ...PLAIN_SGD, momentum: 0.9 }],
  ['SGD momentum + dampening', { ...PLAIN_SGD, momentum: 0.8, dampening: 0.3 }],
  ['SGD Nesterov + weight decay', { ...PLAIN_SGD, momentum: 0.9, nesterov: true, weightDecay: 0.05 }],
  ['Adam', { ...PLAIN_SGD, name: 'adam' }],
  ['Adam + L2 weight decay, other betas', { ...PLAIN_SGD, name: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 }],
  ['AdamW', { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.01 }],
  ['AdamW, strong decay', { ...PLAIN_SGD, name: 'adamw', weightDecay: 0.5, beta2: 0.95 }],
];

/** Two parameters are all an update graph needs of a model. */
const SMALL: ModelDefinition = {
  name: 'small',
  sampleDims: [1],
  classes: 2,
  params: [
    { name: 'w', dims: [2, 3] },
    { name: 'b', dims: [4] },
  ] as ModelDefinition['params'],
  forward: () => {
    throw new Error('not used');
  },
};

/** Deterministic pseudo-random numbers in [-1, 1). */
function noise(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

test.each(CONFIGS)('%s: 6 steps of the update graph equal torch.optim\'s algorithm in float64', async (_name, c) => {
  const session = await openSession(buildUpdateGraph(SMALL, c));
  const carried = carriedTensors(SMALL, c);
  let feeds: Record<string, HostTensor> = {};
  const refs = new Map<string, Reference>();
  SMALL.params.forEach((p, k) => {
    const init = noise(100 + k, p.dims.reduce((a, d) => a * d, 1));
    feeds[p.name] = { dtype: 'float32', dims: p.dims, data: init };
    refs.set(p.name, new Reference(c, Float64Array.from(init)));
  });
  for (const [name, zeros] of initialOptimizerState(SMALL, c)) feeds[name] = { dtype: 'float32', dims: carried.find((t) => t.name === name)!.dims, data: zeros };
  const lrs = [0.1, 0.05, 0.2, 0.01, 0.1, 0.3];
  for (let step = 0; step < lrs.length; step++) {
    const grads: Record<string, HostTensor> = {};
    SMALL.params.forEach((p, k) => {
      const g = noise(7 * step + k, p.dims.reduce((a, d) => a * d, 1));
      grads[gradName(p.name)] = { dtype: 'float32', dims: p.dims, data: g };
      refs.get(p.name)!.step(g, Math.fround(lrs[step]));
    });
    const out = await session.run({ ...feeds, ...grads, lr: { dtype: 'float32', dims: [], data: Float32Array.of(lrs[step]) } });
    feeds = Object.fromEntries(carried.map((t) => [t.name, out[updatedName(t.name)]]));
  }
  await session.release();
  for (const p of SMALL.params) {
    const got = feeds[p.name].data as Float32Array;
    const want = refs.get(p.name)!.p;
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(2e-6 * (1 + Math.abs(want[i]))));
  }
});

test.each(CONFIGS.filter(([name]) => ['SGD Nesterov + weight decay', 'Adam', 'AdamW'].includes(name)))(
  '%s on LeNet: 3 steps of the step graph equal the reference applied to the gradient graph\'s gradients',
  async (_name, c) => {
    const test10k = loadSplit(MNIST_DIR, 'test');
    const N = 16;
    const step = await openSession(buildTrainingStep(lenet, c));
    const gradients = await openSession(encodeModel(buildGradientGraph(lenet)));
    const params = initParams(lenet, 5);
    const carried = carriedTensors(lenet, c);
    const state = initialOptimizerState(lenet, c);
    let feeds: Record<string, HostTensor> = Object.fromEntries(
      carried.map((t) => [t.name, { dtype: 'float32', dims: t.dims, data: params.get(t.name) ?? state.get(t.name)! } as HostTensor]),
    );
    const refs = new Map(lenet.params.map((p) => [p.name, new Reference(c, Float64Array.from(params.get(p.name)!))]));
    const x = new Float32Array(N * 784);
    const y = new BigInt64Array(N);
    const lr = c.name === 'sgd' ? 0.05 : 0.002;
    for (let s = 0; s < 3; s++) {
      fillBatch(test10k, inOrder(10000), s * N, N, x, y);
      const batch = { x: { dtype: 'float32', dims: [N, 1, 28, 28], data: x } as HostTensor, y: { dtype: 'int64', dims: [N], data: y } as HostTensor };
      // The reference steps from the graph's own parameters, so float32 rounding does not accumulate apart.
      const g = await gradients.run({ ...Object.fromEntries(lenet.params.map((p) => [p.name, feeds[p.name]])), ...batch });
      for (const p of lenet.params) {
        const ref = refs.get(p.name)!;
        ref.p = Float64Array.from(feeds[p.name].data as Float32Array);
        ref.step(g[gradName(p.name)].data as Float32Array, Math.fround(lr));
      }
      const out = await step.run({ ...feeds, ...batch, lr: { dtype: 'float32', dims: [], data: Float32Array.of(lr) } });
      feeds = Object.fromEntries(carried.map((t) => [t.name, out[updatedName(t.name)]]));
      let worst = 0;
      for (const p of lenet.params) {
        const got = feeds[p.name].data as Float32Array;
        const want = refs.get(p.name)!.p;
        const scale = want.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]) / scale)));
      }
      expect(worst).toBeLessThan(1e-5);
    }
    await step.release();
    await gradients.release();
  },
);
