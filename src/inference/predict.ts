// Classify pictures with an exported model: preprocessed inputs in, class probabilities out.
import { RuntimeError, RuntimeSession, SessionConfig } from '../runtime/session';
import { ClassifierIo } from './load-classifier';
import { MNIST_SIDE } from './preprocess';
import { checkScores, toProbabilities } from './scores';

/** Probabilities [n * classes] for n preprocessed 28x28 inputs. */
export async function classify(model: ClassifierIo, inputs: Float32Array[], session: SessionConfig): Promise<Float32Array> {
  const s = await RuntimeSession.create(model.bytes, session).catch((e) => {
    throw e instanceof RuntimeError ? new RuntimeError(`${model.path}: ${e.message}`) : e;
  });
  try {
    const size = MNIST_SIDE * MNIST_SIDE;
    const batch = new Float32Array(inputs.length * size);
    inputs.forEach((x, i) => batch.set(x, i * size));
    const out = await s.run({ [model.input]: { dtype: 'float32', dims: [inputs.length, ...(model.sampleDims ?? [1, MNIST_SIDE, MNIST_SIDE])], data: batch } });
    const scores = out[model.output];
    checkScores(model.path, model.output, scores.dims, scores.data as Float32Array, model.classes);
    return toProbabilities(scores.data as Float32Array, model.classes);
  } finally {
    await s.release();
  }
}
