// The error of a model file that is missing, not ONNX, or not shaped like the classifier expected
// (no Node modules here: the browser's evaluation throws it too).
import { DataError } from '../data/idx-bytes';

export class ModelFileError extends DataError {}
