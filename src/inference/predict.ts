// Classify pictures with an exported model: preprocessed inputs in, class probabilities out.
import { RuntimeError, RuntimeSession, SessionConfig } from '../runtime/session';
import { ClassifierIo } from './load-classifier';
import { MNIST_SIDE } from './preprocess';
import { checkScores, toProbabilities } from './scores';

/** Probabilities [n * classes] for n preprocessed inputs (each one sample of the model's input). */
export async function classify(model: ClassifierIo, inputs: Float32Array[], session: SessionConfig): Promise<Float32Array> {
  const s = await RuntimeSession.create(model.bytes, session).catch((e) => {
    throw e instanceof RuntimeError ? new RuntimeError(`${model.path}: ${e.message}`) : e;
  });
  try {
    const size = (model.sampleDims ?? [MNIST_SIDE, MNIST_SIDE]).reduce((a, d) => a * d, 1);
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

/**
 * Whether pictures for this model get MNIST's digit preprocessing (inverted if dark on light,
 * centred by mass in 28x28): a grayscale 28x28 input, no recorded pixel normalization, and digit
 * classes (none recorded, or "0" to "9"). Any other model gets its pictures resized as it was trained.
 */
export function takesMnistDigits(model: ClassifierIo): boolean {
  const dims = model.sampleDims ?? [1, MNIST_SIDE, MNIST_SIDE];
  const gray28 = dims.reduce((a, d) => a * d, 1) === MNIST_SIDE * MNIST_SIDE && (dims.length < 3 || dims[0] === 1);
  const digits = !model.classNames || model.classNames.every((name, i) => name === String(i));
  return gray28 && digits && !model.pixels && model.classes === 10;
}
