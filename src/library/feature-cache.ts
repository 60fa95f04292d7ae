// Training a new head on a frozen backbone without running the backbone at every step: its
// features do not change, so each picture goes through it once (an inference model cut at the
// features, on ONNX Runtime), and the head alone trains on the stored features. Same batches,
// same start, same updates as training the whole graph with the backbone frozen.
import { Dataset, fillBatch, makeDataset } from '../data/dataset';
import { inOrder } from '../data/shuffle';
import { ModelDefinition } from '../graph/model-definition';
import { nodesFeeding } from '../import/replay-forward';
import { decodeModel, readSignature } from '../onnx/decode';
import { editGraph } from '../onnx/edit-graph';
import { replaceInitializers } from '../onnx/replace-initializers';
import { RuntimeSession, SessionConfig } from '../runtime/session';

/** Pictures per backbone run while the features are computed. */
const FEATURE_BATCH = 256;

type Head = NonNullable<NonNullable<ModelDefinition['imported']>['head']>;

/** The model's head, or why its features cannot be cached. */
export function cachableHead(def: ModelDefinition): Head {
  const head = def.imported?.head;
  if (!head) throw new RangeError(`cacheFeatures needs a model imported with a new head (importModel's newHead, --new-head); ${def.name} has none`);
  const backbone = def.params.filter((p) => !head.params.includes(p.name)).map((p) => p.name);
  if (backbone.length || def.state?.length) {
    throw new RangeError(`cacheFeatures needs the backbone frozen, and ${def.name} trains ${backbone.length ? backbone.slice(0, 3).join(', ') : 'BatchNorm statistics'} before the head: drop trainBackbone (--train-backbone) or cacheFeatures`);
  }
  return head;
}

/** The imported file cut at the features: an inference model whose one output they are. */
function backboneFile(def: ModelDefinition, head: Head): Uint8Array {
  const { file, inlined } = def.imported!;
  const whole = inlined.length ? replaceInitializers(file, new Map(inlined.map((t) => [t.name, t]))) : file;
  const keep = new Set(nodesFeeding(decodeModel(whole).graph, head.features).map((n) => n.outputs[0].name));
  return editGraph(whole, { keep, nodes: [], initializers: [], outputs: [{ name: head.features, dtype: 'float32', shape: ['N', ...head.featureDims] }] });
}

/** The head alone: a dense layer on the flattened features, the same Gemm the exported file has. */
function headModel(def: ModelDefinition, head: Head): ModelDefinition {
  const [weight, bias] = head.params;
  const width = head.featureDims.reduce((a, d) => a * d, 1);
  return {
    name: def.name,
    sampleDims: [width],
    classes: def.classes,
    params: def.params,
    forward: (b, x, p) => b.gemm(x, p[weight], p[bias], { transB: true }),
  };
}

/** Each sample of `data` through the backbone once: a dataset of feature values with the same labels. */
async function featuresOf(def: ModelDefinition, bytes: Uint8Array, data: Dataset, session: RuntimeSession, width: number): Promise<Dataset> {
  const input = readSignature(bytes).inputs[0].name;
  const n = data.images.count;
  const values = new Float32Array(n * width);
  const size = def.sampleDims.reduce((a, d) => a * d, 1);
  const x = new Float32Array(FEATURE_BATCH * size);
  const y = new BigInt64Array(FEATURE_BATCH);
  const images = data.targets ? { ...data, targets: undefined } : data; // the backbone needs the pictures only
  const order = inOrder(n);
  for (let start = 0; start < n; start += FEATURE_BATCH) {
    const count = Math.min(FEATURE_BATCH, n - start);
    const batch = fillBatch(images, order, start, count, x, y, def.pixels);
    const out = await session.run({ [input]: { dtype: 'float32', dims: [count, ...def.sampleDims], data: batch.x } });
    values.set(Object.values(out)[0].data as Float32Array, start * width);
  }
  return makeDataset(`${data.name} (features)`, { count: n, rows: 1, cols: width, pixels: new Uint8Array(0), values }, data.labels, data.classNames, data.targets);
}

/** The head model, and the training (and validation) data as its features. */
export async function cacheFeatures(def: ModelDefinition, data: Dataset, validation: Dataset | undefined, config: SessionConfig) {
  const head = cachableHead(def);
  const width = head.featureDims.reduce((a, d) => a * d, 1);
  const bytes = backboneFile(def, head);
  const session = await RuntimeSession.create(bytes, config);
  try {
    return {
      model: headModel(def, head),
      data: await featuresOf(def, bytes, data, session, width),
      validation: validation && (await featuresOf(def, bytes, validation, session, width)),
    };
  } finally {
    await session.release();
  }
}
