// The benchmark networks written with the DSL, by the name bench/project-step.ts takes.
import { ModelDefinition } from '../../src/graph/model-definition';
import { mobilenetStyle } from './mobilenet-style';
import { resnetStyle } from './resnet-style';

export const BENCH_NETWORKS: Record<string, ModelDefinition> = { 'mobilenet-style': mobilenetStyle, 'resnet-style': resnetStyle };
