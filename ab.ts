import { lenet } from '/work/main/model/lenet.onnx-builder';
import { fillBatch } from '/work/main/src/data/dataset';
import { loadSplit, locateMnist } from '/work/main/src/data/mnist';
import { inOrder } from '/work/main/src/data/shuffle';
import { encodeModel } from '/work/main/src/onnx/encode';
import { initParams } from '/work/main/src/training/init';
import { nativeEngine } from '/work/main/src/training/native-engine';
import { PLAIN_SGD } from '/work/main/src/training/optimizers/optimizer';
import { buildTrainingStep } from '/work/main/src/training/step-graph';
(async () => {
  const test = loadSplit(await locateMnist(), 'test');
  const bs = Number(process.argv[2] ?? 100);
  const { x, y } = fillBatch(test, inOrder(bs), 0, bs, new Float32Array(bs*784), new BigInt64Array(bs));
  const params = initParams(lenet, 42);
  const engines = await Promise.all((['batch-first', 'batch-last'] as const).map((l) => nativeEngine(lenet, encodeModel(buildTrainingStep(lenet, PLAIN_SGD, l)), params, PLAIN_SGD, { threads: 2, spinning: false })));
  const lr = new Float32Array(1);
  const res: number[][] = [[], []];
  for (let round = 0; round < 6; round++) for (let e = 0; e < 2; e++) {
    const t = performance.now();
    for (let i = 0; i < 20; i++) await (await engines[e].run(x, y, 1, bs, lr)).commit(1);
    if (round > 0) res[e].push((performance.now() - t) / 20);
  }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  console.log(`batch ${bs}: batch-first ${med(res[0]).toFixed(1)} ms, batch-last ${med(res[1]).toFixed(1)} ms, ratio ${(med(res[1]) / med(res[0])).toFixed(2)}`);
})();
