// What an imported model file cannot be trained as, in one line that names the node or tensor.
import { DataError } from '../data/idx-bytes';

export class ImportError extends DataError {}
