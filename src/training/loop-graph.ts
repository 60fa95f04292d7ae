// K training steps in one run(): an ONNX Loop whose body is one SGD step. The parameters are
// loop-carried, so they cross between host and device once per K steps instead of once per step.
//   inputs:  parameters, xs [K, N, ...sample], ys [K, N], lr
//   outputs: parameters after the K steps, losses [K], corrects [K]
// Iteration i trains on xs[i], ys[i]; K is read from xs at run time.
import { GraphBuilder } from '../graph/graph-builder';
import { BATCH_DIM, ModelDefinition } from '../graph/model-definition';
import { attr, Graph, Model, Value } from '../graph/types';
import { sgdUpdate } from './sgd';
import { asModel, lossAndGradients, STEP_INPUTS, updatedName } from './step-graph';

export const LOOP_INPUTS = { images: 'xs', labels: 'ys', learningRate: STEP_INPUTS.learningRate } as const;
export const LOOP_OUTPUTS = { losses: 'losses', corrects: 'corrects' } as const;
const STEPS_DIM = 'K';

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

/** The Loop body: (iteration, cond, parameters) -> (cond, updated parameters, loss, correct). */
function stepBody(def: ModelDefinition, outer: { xs: Value; ys: Value; lr: Value }, outerNames: string[]): Graph {
  const b = new GraphBuilder(`${def.name}_training_step_body`);
  b.reserve(outerNames);
  const iteration = b.input('iteration', 'int64', []);
  const condIn = b.input('cond_in', 'bool', []);
  const params: Record<string, Value> = {};
  for (const p of def.params) params[p.name] = b.input(`${p.name}.current`, 'float32', p.dims);
  // xs, ys and lr come from the enclosing graph's scope.
  const x = b.gather(outer.xs, iteration, 0, 'x');
  const y = b.gather(outer.ys, iteration, 0, 'y');
  const { loss, correct, gradOf } = lossAndGradients(b, def, params, x, y);
  b.output(b.identity(condIn), 'cond_out');
  for (const p of def.params) b.output(sgdUpdate(b, params[p.name], gradOf(p.name), outer.lr), `${p.name}.next`);
  b.output(loss, 'step_loss');
  b.output(correct, 'step_correct');
  return b.build(`One SGD step of ${def.name} on batch xs[iteration], ys[iteration].`);
}

export function buildTrainingLoop(def: ModelDefinition): Model {
  const b = new GraphBuilder(`${def.name}_training_loop`);
  const outerNames = [
    ...def.params.flatMap((p) => [p.name, updatedName(p.name)]),
    ...Object.values(LOOP_INPUTS),
    ...Object.values(LOOP_OUTPUTS),
  ];
  const sample = [STEPS_DIM, BATCH_DIM];
  const scope = {
    xs: { name: LOOP_INPUTS.images, dtype: 'float32', shape: [...sample, ...def.sampleDims] },
    ys: { name: LOOP_INPUTS.labels, dtype: 'int64', shape: sample },
    lr: { name: LOOP_INPUTS.learningRate, dtype: 'float32', shape: [] },
  } as const satisfies Record<string, Value>;
  const body = stepBody(def, scope, outerNames);
  const outer = new Set(outerNames);
  b.reserve([...namesIn(body)].filter((name) => !outer.has(name)));

  const params = def.params.map((p) => b.input(p.name, 'float32', p.dims));
  const xs = b.input(scope.xs.name, scope.xs.dtype, [...scope.xs.shape]);
  b.input(scope.ys.name, scope.ys.dtype, [...scope.ys.shape]);
  b.input(scope.lr.name, scope.lr.dtype, []);
  const steps = b.gather(b.shapeOf(xs), b.constant('int64', [], BigInt64Array.of(0n), 'first_axis'), 0, 'steps');
  const outs = b.op('Loop', [steps, null, ...params], { body: attr.graph(body) }, { outputs: params.length + 2, name: 'loop' });
  def.params.forEach((p, i) => b.output(outs[i], updatedName(p.name)));
  const [losses, corrects] = outs.slice(params.length);
  losses.shape = [STEPS_DIM];
  corrects.shape = [STEPS_DIM];
  b.output(losses, LOOP_OUTPUTS.losses);
  b.output(corrects, LOOP_OUTPUTS.corrects);
  return asModel(b.build(`K SGD steps of ${def.name} in one run: a Loop over the leading axis of xs and ys.`));
}
