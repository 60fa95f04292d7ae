// The inference model that apps embed: input [N,1,28,28] float32 in [0,1] -> logits and
// probabilities [N,10], with the parameters stored as initializers.
import { GraphBuilder } from '../graph/graph-builder';
import { BATCH_DIM, IR_VERSION, ModelDefinition, OPSET, PRODUCER, ParamValues, forwardContext, stateOf } from '../graph/model-definition';
import { Model, Value } from '../graph/types';

export const INFERENCE_IO = { input: 'input', logits: 'logits', probabilities: 'probabilities' } as const;

export function buildInferenceModel(def: ModelDefinition, params: ParamValues, metadata: Record<string, string> = {}): Model {
  const b = new GraphBuilder(def.name);
  const x = b.input(INFERENCE_IO.input, 'float32', [BATCH_DIM, ...def.sampleDims]);
  const stored = (specs: { name: string; dims: number[] }[]): Record<string, Value> => {
    const values: Record<string, Value> = {};
    for (const spec of specs) {
      const data = params.get(spec.name);
      if (!data) throw new Error(`no value for parameter '${spec.name}'`);
      values[spec.name] = b.initializer({ name: spec.name, dtype: 'float32', dims: spec.dims, data });
    }
    return values;
  };
  const p = stored(def.params);
  const logits = def.forward(b, x, p, forwardContext('infer', stored(stateOf(def))));
  b.output(logits, INFERENCE_IO.logits);
  b.output(b.op('Softmax', [logits], { axis: { kind: 'int', value: 1 } })[0], INFERENCE_IO.probabilities);
  return {
    graph: b.build(`${def.name}: input ${INFERENCE_IO.input} [N,${def.sampleDims}] float32 (pixels / 255), outputs logits and probabilities [N,${def.classes}].`),
    opsets: { '': OPSET },
    irVersion: IR_VERSION,
    producerName: PRODUCER.name,
    producerVersion: PRODUCER.version,
    docString: `${def.name} digit classifier trained with ${PRODUCER.name}`,
    metadata,
  };
}

/** Parameter (and model state) values stored as initializers in a decoded inference (or init) model. */
export function paramsFromModel(def: ModelDefinition, model: Model, what: string): ParamValues {
  const byName = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const values: ParamValues = new Map();
  for (const spec of [...def.params, ...stateOf(def)]) {
    const t = byName.get(spec.name);
    if (!t || t.dtype !== 'float32' || t.dims.join(',') !== spec.dims.join(',')) {
      throw new Error(`${what}: expected parameter '${spec.name}' float32 [${spec.dims}]${t ? `, found ${t.dtype} [${t.dims}]` : ', not found'}`);
    }
    values.set(spec.name, t.data as Float32Array);
  }
  return values;
}
