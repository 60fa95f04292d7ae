// K training steps in one run(): an ONNX Loop whose body is one optimizer step. The parameters, the
// model state and the optimizer state are loop-carried, so they cross between host and device once per K steps.
//   inputs:  parameters and state, xs [K, N, ...sample], ys [K, N], lrs [K], random.<name> [K, N, ...]
//   outputs: parameters and state after the K steps, losses [K], corrects [K]
// Iteration i trains on xs[i], ys[i] with learning rate lrs[i]; K is read from xs at run time.
import { GraphBuilder } from '../../graph/graph-builder';
import { BATCH_DIM, ModelDefinition, RandomSource, stateOf } from '../../graph/model-definition';
import { randomInputName, randomInputsOf } from './random-inputs';
import { attr, Graph, Model, Value } from '../../graph/types';
import { applyOptimizer, carriedTensors, describeOptimizer, OptimizerConfig, PLAIN_SGD } from './optimizers/optimizer';
import { asModel, lossAndGradients, targetsInput, updatedName } from './step-graph';

export const LOOP_INPUTS = { images: 'xs', labels: 'ys', learningRates: 'lrs' } as const;
export const LOOP_OUTPUTS = { losses: 'losses', corrects: 'corrects' } as const;
const STEPS_DIM = 'K';
const ALL_TARGETS = 'targets_of_all_steps';

/** Every name a graph defines or uses (values and nodes). */
function namesIn(g: Graph): Set<string> {
  const names = new Set<string>();
  for (const v of [...g.inputs, ...g.outputs, ...g.initializers]) names.add(v.name);
  for (const n of g.nodes) {
    names.add(n.name);
    for (const v of [...n.inputs, ...n.outputs]) if (v) names.add(v.name);
  }
  return names;
}

/** The Loop body: (iteration, cond, parameters and state) -> (cond, updated parameters and state, loss, correct). */
function stepBody(def: ModelDefinition, opt: OptimizerConfig, outer: { xs: Value; targets: Value; lrs: Value; randoms: Value[] }, outerNames: string[]): Graph {
  const b = new GraphBuilder(`${def.name}_training_step_body`);
  b.reserve(outerNames);
  const iteration = b.input('iteration', 'int64', []);
  b.input('cond_in', 'bool', []);
  const carried = carriedTensors(def, opt);
  const values: Record<string, Value> = {};
  for (const t of carried) values[t.name] = b.input(`${t.name}.current`, 'float32', t.dims);
  const params = Object.fromEntries(def.params.map((p) => [p.name, values[p.name]]));
  const state = Object.fromEntries(stateOf(def).map((s) => [s.name, values[s.name]]));
  // xs, the one-hot targets of ys and lrs come from the enclosing graph's scope.
  const x = b.gather(outer.xs, iteration, 0, 'x');
  const targets = b.gather(outer.targets, iteration, 0, 'targets');
  const lr = b.gather(outer.lrs, iteration, 0, 'lr');
  // Random values: the outer graph's random.<name> [K, N, ...] holds every step's; step i takes row i.
  const random: RandomSource = (name, dims) => {
    const all: Value = { name: randomInputName(name), dtype: 'float32', shape: [STEPS_DIM, BATCH_DIM, ...dims] };
    outer.randoms.push(all);
    return b.gather(all, iteration, 0, `${name}_values`);
  };
  const { loss, correct, gradOf, stateNext } = lossAndGradients(b, def, params, x, targets, undefined, state, random);
  b.output(b.constant('bool', [], Uint8Array.of(1), 'cond_out')); // always go on: a constant, not a node on the host
  const next = applyOptimizer(b, def, opt, (name) => values[name], gradOf, lr);
  for (const t of carried) b.output(t.kind === 'model-state' ? stateNext(t.name) : next.get(t.name)!, `${t.name}.next`);
  b.output(loss, 'step_loss');
  b.output(correct, 'step_correct');
  return b.build(`One ${describeOptimizer(opt)} step of ${def.name} on batch xs[iteration], ys[iteration] at rate lrs[iteration].`);
}

export function buildTrainingLoop(def: ModelDefinition, opt: OptimizerConfig = PLAIN_SGD): Model {
  const b = new GraphBuilder(`${def.name}_training_loop`);
  const carried = carriedTensors(def, opt);
  const outerNames = [
    ...carried.flatMap((t) => [t.name, updatedName(t.name)]),
    ...Object.values(LOOP_INPUTS),
    ...Object.values(LOOP_OUTPUTS),
    ALL_TARGETS,
    ...randomInputsOf(def).map((r) => randomInputName(r.name)),
  ];
  const sample = [STEPS_DIM, BATCH_DIM];
  const scope = {
    xs: { name: LOOP_INPUTS.images, dtype: 'float32', shape: [...sample, ...def.sampleDims] },
    targets: { name: ALL_TARGETS, dtype: 'float32', shape: [...sample, def.classes] },
    lrs: { name: LOOP_INPUTS.learningRates, dtype: 'float32', shape: [STEPS_DIM] },
  } as const satisfies Record<string, Value>;
  const randoms: Value[] = [];
  const body = stepBody(def, opt, { ...scope, randoms }, outerNames);
  const outer = new Set(outerNames);
  b.reserve([...namesIn(body)].filter((name) => !outer.has(name)));

  const params = def.params.map((p) => b.input(p.name, 'float32', p.dims));
  const xs = b.input(scope.xs.name, scope.xs.dtype, [...scope.xs.shape]);
  // Labels made one-hot before the Loop: the body then needs no int64 data op (none has a WebGPU kernel).
  targetsInput(b, def, LOOP_INPUTS.labels, sample, scope.targets.name);
  const state = carried.filter((t) => t.kind !== 'param').map((t) => b.input(t.name, 'float32', t.dims));
  b.input(scope.lrs.name, scope.lrs.dtype, [...scope.lrs.shape]);
  for (const r of randoms) b.input(r.name, r.dtype, r.shape);
  const steps = b.gather(b.shapeOf(xs), b.constant('int64', [], BigInt64Array.of(0n), 'first_axis'), 0, 'steps');
  const loopCarried = [...params, ...state];
  const outs = b.op('Loop', [steps, null, ...loopCarried], { body: attr.graph(body) }, { outputs: loopCarried.length + 2, name: 'loop' });
  carried.forEach((t, i) => b.output(outs[i], updatedName(t.name)));
  const [losses, corrects] = outs.slice(loopCarried.length);
  losses.shape = [STEPS_DIM];
  corrects.shape = [STEPS_DIM];
  b.output(losses, LOOP_OUTPUTS.losses);
  b.output(corrects, LOOP_OUTPUTS.corrects);
  return asModel(b.build(`K ${describeOptimizer(opt)} steps of ${def.name} in one run: a Loop over the leading axis of xs, ys and lrs.`));
}
