// One gradient rule per ONNX op, each in rules/<Op>.ts; 'none' marks ops that pass no gradient.
import { ConvTanhMaxPool } from './fusions/ConvTanhMaxPool';
import { MaxPair } from './fusions/MaxPair';
import { TanhMaxPair } from './fusions/TanhMaxPair';
import { TanhMaxPool } from './fusions/TanhMaxPool';
import { FusedGradRule, GradRule } from './grad-rule';
import { Add } from './rules/Add';
import { Elu } from './rules/Elu';
import { Softplus } from './rules/Softplus';
import { Softsign } from './rules/Softsign';
import { PRelu } from './rules/PRelu';
import { Squeeze } from './rules/Squeeze';
import { Exp } from './rules/Exp';
import { Log } from './rules/Log';
import { Pow } from './rules/Pow';
import { Max } from './rules/Max';
import { Min } from './rules/Min';
import { HardSigmoid } from './rules/HardSigmoid';
import { HardSwish } from './rules/HardSwish';
import { Expand } from './rules/Expand';
import { Where } from './rules/Where';
import { Cast } from './rules/Cast';
import { Slice } from './rules/Slice';
import { Sqrt } from './rules/Sqrt';
import { Softmax } from './rules/Softmax';
import { Sigmoid } from './rules/Sigmoid';
import { LeakyRelu } from './rules/LeakyRelu';
import { GlobalAveragePool } from './rules/GlobalAveragePool';
import { Dropout } from './rules/Dropout';
import { Div } from './rules/Div';
import { Clip } from './rules/Clip';
import { Concat } from './rules/Concat';
import { Erf } from './rules/Erf';
import { LayerNormalization } from './rules/LayerNormalization';
import { BatchNormalization } from './rules/BatchNormalization';
import { AveragePool } from './rules/AveragePool';
import { Conv } from './rules/Conv';
import { Flatten } from './rules/Flatten';
import { Gather } from './rules/Gather';
import { GatherElements } from './rules/GatherElements';
import { Gemm } from './rules/Gemm';
import { Identity } from './rules/Identity';
import { LogSoftmax } from './rules/LogSoftmax';
import { MatMul } from './rules/MatMul';
import { MaxPool } from './rules/MaxPool';
import { Mul } from './rules/Mul';
import { Neg } from './rules/Neg';
import { Pad } from './rules/Pad';
import { ReduceMax } from './rules/ReduceMax';
import { ReduceMean } from './rules/ReduceMean';
import { ReduceSum } from './rules/ReduceSum';
import { Relu } from './rules/Relu';
import { Reshape } from './rules/Reshape';
import { Sub } from './rules/Sub';
import { Tanh } from './rules/Tanh';
import { Transpose } from './rules/Transpose';
import { Unsqueeze } from './rules/Unsqueeze';

export const GRAD_RULES: Record<string, GradRule | 'none'> = {
  Add, AveragePool, BatchNormalization, Clip, Concat, Conv, Div, Dropout, Erf, Flatten, Gather, GatherElements, Gemm,
  GlobalAveragePool, Identity, LayerNormalization, LeakyRelu, LogSoftmax, MatMul, MaxPool, Mul, Neg, Pad, ReduceMax, ReduceMean, ReduceSum,
  Relu, Reshape, Sigmoid, Softmax, Sqrt, Sub, Tanh, Transpose, Unsqueeze,
  Cast, Elu, Exp, Expand, HardSigmoid, HardSwish, Log, Max, Min, Pow, PRelu, Slice, Softplus, Softsign, Squeeze, Where,
  ArgMax: 'none', Equal: 'none', Greater: 'none', Less: 'none', Shape: 'none', Size: 'none',
};

export const SUPPORTED_OPS = Object.keys(GRAD_RULES).filter((op) => GRAD_RULES[op] !== 'none').sort();

/** Chains differentiated in one go (each output feeding only the next node); longest first. */
export const GRAD_FUSIONS: FusedGradRule[] = [TanhMaxPair, ConvTanhMaxPool, TanhMaxPool, MaxPair];
