// Check ORT training artifacts before handing them to the training build, whose own failures are
// often a bare number. Every rule here is one of the format's (checked against ONNX Runtime 1.18's training build).
import { Model } from '../graph/types';
import { ADAMW_INPUTS, LAZY_RESET_GRAD, gradBuffer, OPTIMIZER_INPUTS, MS_DOMAIN } from './artifact-graphs';
import { CHECKPOINT_VERSION, OrtCheckpoint } from './checkpoint-flatbuffer';

export class OrtArtifactError extends Error {}

const MAX_OPSET = 21;
const MAX_IR = 10;

function checkVersions(m: Model, what: string) {
  if (m.irVersion > MAX_IR) throw new OrtArtifactError(`${what}: IR version ${m.irVersion} > ${MAX_IR} (onnxruntime-web 1.18 limit)`);
  const opset = m.opsets[''] ?? 0;
  if (opset > MAX_OPSET) throw new OrtArtifactError(`${what}: opset ${opset} > ${MAX_OPSET} (onnxruntime-web 1.18 limit)`);
  const ms = m.graph.nodes.some((n) => n.domain === MS_DOMAIN);
  if (ms && m.opsets[MS_DOMAIN] !== 1) throw new OrtArtifactError(`${what}: uses ${MS_DOMAIN} ops without importing ${MS_DOMAIN} version 1`);
}

export function validateOrtArtifacts(a: { training: Model; eval?: Model; optimizer: Model; checkpoint: OrtCheckpoint }): void {
  const { training, optimizer, checkpoint } = a;
  if (checkpoint.version !== CHECKPOINT_VERSION) {
    throw new OrtArtifactError(`checkpoint: version ${checkpoint.version}, onnxruntime-web 1.18 reads version ${CHECKPOINT_VERSION}`);
  }
  checkVersions(training, 'training model');
  checkVersions(optimizer, 'optimizer model');
  if (a.eval) checkVersions(a.eval, 'eval model');

  const inputs = new Map(training.graph.inputs.map((v) => [v.name, v]));
  const paramNames = checkpoint.params.map((p) => p.name);
  for (const p of checkpoint.params) {
    const input = inputs.get(p.name);
    if (!input) throw new OrtArtifactError(`training model: no input for checkpoint parameter '${p.name}'`);
    if (input.shape?.join(',') !== p.dims.join(',')) {
      throw new OrtArtifactError(`training model: input '${p.name}' is [${input.shape}], the checkpoint holds [${p.dims}]`);
    }
    const buffer = inputs.get(gradBuffer(p.name));
    if (!buffer || buffer.shape?.join(',') !== p.dims.join(',')) {
      throw new OrtArtifactError(`training model: gradient buffer input '${gradBuffer(p.name)}' [${p.dims}] missing or of another shape`);
    }
    if (p.data.length !== p.dims.reduce((n, d) => n * d, 1)) {
      throw new OrtArtifactError(`checkpoint: '${p.name}' holds ${p.data.length} values for dims [${p.dims}]`);
    }
  }
  const order = training.graph.inputs.filter((v) => paramNames.includes(v.name)).map((v) => v.name);
  if (order.join() !== paramNames.join()) {
    throw new OrtArtifactError('training model: parameter inputs are not in checkpoint order (parameters are read back in graph order)');
  }
  const reset = inputs.get(LAZY_RESET_GRAD);
  if (!reset || reset.dtype !== 'bool') throw new OrtArtifactError(`training model: needs a bool [1] input '${LAZY_RESET_GRAD}'`);
  for (const v of [...training.graph.inputs, ...training.graph.outputs]) {
    const isParamOrBuffer = paramNames.includes(v.name) || v.name.includes('_grad.accumulation.') || v.name === LAZY_RESET_GRAD;
    if (!isParamOrBuffer && v.name.endsWith('_grad')) {
      throw new OrtArtifactError(`training model: user input/output '${v.name}' ends in _grad, which the runtime takes for a gradient`);
    }
  }
  const optNodes = optimizer.graph.nodes.filter((n) => n.domain === MS_DOMAIN);
  if (optNodes.length !== 1 || !['SGDOptimizerV2', 'AdamWOptimizer'].includes(optNodes[0].opType)) {
    throw new OrtArtifactError('optimizer model: needs exactly one SGDOptimizerV2 or AdamWOptimizer node');
  }
  const expected: readonly string[] = optNodes[0].opType === 'AdamWOptimizer' ? ADAMW_INPUTS : OPTIMIZER_INPUTS;
  const optInputs = optimizer.graph.inputs.map((v) => v.name);
  if (optInputs.join() !== expected.join()) {
    throw new OrtArtifactError(`optimizer model: inputs must be exactly [${expected}], found [${optInputs}]`);
  }
}
