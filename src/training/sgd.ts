// Plain SGD as an update subgraph: w' = w - lr * dL/dw (the loss is already a batch mean).
import { GraphBuilder } from '../graph/graph-builder';
import { Value } from '../graph/types';

export function sgdUpdate(b: GraphBuilder, param: Value, grad: Value, lr: Value): Value {
  return b.sub(param, b.mul(lr, grad), `${param.name}.updated`);
}
