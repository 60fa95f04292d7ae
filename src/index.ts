// The library: define a model with the graph DSL, train it on ONNX Runtime with a derived
// standard-op backward pass, evaluate it, and export the ONNX model other apps embed.
//
//   import { datasets, evaluate, exportModel, models, train } from 'lenet-onnx-ts';
//   const data = await datasets.mnist();
//   const trained = await train(models.lenet, data, { epochs: 2, optimizer: 'adamw', learningRate: 3e-3 });
//   console.log((await evaluate(trained, await datasets.mnist({ split: 'test' }))).accuracy);
//   exportModel(trained, 'lenet.onnx');
export { defineModel, ModelDefinitionError } from './graph/define-model';
export { importModel } from './import/import-model';
export type { ImportOptions } from './import/import-model';
export type { NewHeadOptions } from './import/new-head';
export { IMAGENET_PIXELS, MNIST_PIXELS } from './data/pixel-normalization';
export type { PixelNormalization } from './data/pixel-normalization';
export { train, checkDataFits, startingState, trainingMemory } from './library/train';
export { ortTrainingEngine } from './training/engines/ort-training-engine';
export { defaultMicroBatch, defaultStepsPerRun } from './training/engines/open-engine';
export type { EngineFactory } from './training/engines/open-engine';
export type { TrainOptions, TrainedModel, OptimizerOptions, ScheduleOptions, TrainingEvents, EpochReport, ParamValues } from './library/train';
export { evaluate } from './library/evaluate';
export type { EvaluateOptions, Evaluable, Evaluation } from './library/evaluate';
export { exportModel } from './library/export-model';
export { ortTrainingArtifacts } from './library/ort-training-artifacts';
export type { OrtArtifactOptions, OrtArtifactBytes } from './library/ort-training-artifacts';
export { modelBytes } from './library/model-bytes';
export { readParams } from './library/read-params';
export { datasets } from './library/datasets';
export type { Dataset, IdxDatasetOptions, ArrayDatasetInit, ImageFolderOptions } from './library/datasets';
export { batchNorm, batchNormSpecs, dropout } from './graph/layers';
export type { BatchNormOptions } from './graph/layers';
export { GraphBuilder } from './graph/graph-builder';
export type { ConvOptions } from './graph/graph-builder';
export type { ModelDefinition, ParamSpec, StateSpec, ForwardContext, ForwardMode, LossName } from './graph/model-definition';
export { LOSS_NAMES } from './graph/model-definition';
export type { Value } from './graph/types';
export { models } from './library/models';
