import { writeFileSync } from 'node:fs';
import { lenet } from './model/lenet.onnx-builder';
import { encodeModel } from './src/onnx/encode';
import { buildTrainingStep } from './src/training/step-graph';
writeFileSync('/tmp/proto/step.onnx', encodeModel(buildTrainingStep(lenet)));
