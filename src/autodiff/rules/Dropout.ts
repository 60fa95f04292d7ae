import { GradRule } from '../grad-rule';

// y = x * mask / (1 - ratio) (mask drawn in the forward pass);  dx = dy * mask / (1 - ratio)
export const Dropout: GradRule = ({ b, dy, node }) => {
  const ratio = node.inputs[1] ? b.constantOf(node.inputs[1]) : undefined;
  if (node.inputs[1] && !ratio) throw new Error(`Dropout '${node.name}': gradient needs a constant ratio`);
  if (node.outputs.length < 2) throw new Error(`Dropout '${node.name}': gradient needs the mask output`);
  const keep = 1 - (ratio ? (ratio.data as Float32Array)[0] : 0.5);
  const mask = b.cast(node.outputs[1], 'float32');
  return [b.mul(dy, b.mul(mask, b.f32(1 / keep, 'dropout_scale'))), null, null];
};
