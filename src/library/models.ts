// The architectures that come with the project (model/*.onnx-builder.ts), for library users.
export { MODEL_DEFINITIONS as models } from '../../model/registry';
