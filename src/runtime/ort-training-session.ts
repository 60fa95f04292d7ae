// The ONLY module that imports onnxruntime-web 1.18.0's training build (installed under the alias
// onnxruntime-web-training): ONNX Runtime's own TrainingSession, in WebAssembly, inside Node.
// As shipped, the bundle's Node branch is broken; it loads with the wasm given as a data: URL and a
// temporary `window` global until the first session exists.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as OrtTraining from 'onnxruntime-web-training/training';
import { HostTensor } from './host-tensor';
import { RuntimeError } from './session';

export interface OrtTrainingArtifacts {
  trainingModel: Uint8Array;
  evalModel?: Uint8Array;
  optimizerModel: Uint8Array;
  checkpoint: Uint8Array;
}

let loaded: typeof OrtTraining | undefined;

function loadTrainingBuild(): typeof OrtTraining {
  if (loaded) return loaded;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-web-training/training') as typeof OrtTraining;
  const wasm = join(dirname(require.resolve('onnxruntime-web-training/training')), '..', 'ort-training-wasm-simd.wasm');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = { 'ort-training-wasm-simd.wasm': `data:application/wasm;base64,${readFileSync(wasm).toString('base64')}` } as never;
  return (loaded = ort);
}

const toOrt = (ort: typeof OrtTraining, t: HostTensor) => new ort.Tensor(t.dtype, t.data as never, t.dims);

/** Model errors in this build often surface as a bare number (an uncaught C++ exception). */
const describe = (e: unknown) => (typeof e === 'number' ? `the runtime aborted (code ${e}); check the artifacts` : (e as Error).message ?? String(e));

export class OrtTrainingSession {
  private constructor(
    private readonly ort: typeof OrtTraining,
    private readonly session: OrtTraining.TrainingSession,
  ) {}

  static async create(a: OrtTrainingArtifacts): Promise<OrtTrainingSession> {
    const ort = loadTrainingBuild();
    const g = globalThis as { window?: unknown };
    const hadWindow = 'window' in g;
    if (!hadWindow) g.window = globalThis;
    try {
      const session = await ort.TrainingSession.create(
        { checkpointState: a.checkpoint, trainModel: a.trainingModel, optimizerModel: a.optimizerModel, evalModel: a.evalModel },
        { logSeverityLevel: 3 },
      );
      return new OrtTrainingSession(ort, session);
    } catch (e) {
      throw new RuntimeError(`ONNX Runtime training session could not start: ${describe(e)}`);
    } finally {
      if (!hadWindow) delete g.window;
    }
  }

  get trainingInputNames(): readonly string[] { return this.session.trainingInputNames; }

  /** Forward + backward; gradients accumulate in the session's buffers. Returns the non-gradient outputs. */
  async trainStep(feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
    return this.wrap(this.session.runTrainStep(this.feeds(feeds)));
  }

  async evalStep(feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
    return this.wrap(this.session.runEvalStep(this.feeds(feeds)));
  }

  /**
   * One output of an eval step, by position: 1.18 names eval results after the training model's
   * outputs (and its fetch list aborts the run), so the results are taken in the eval model's order.
   */
  async evalOutput(feeds: Record<string, HostTensor>, output: string): Promise<Float32Array> {
    const results = Object.values(await this.wrap(this.session.runEvalStep(this.feeds(feeds))));
    const names = this.session.evalOutputNames;
    if (results.length !== names.length || !names.includes(output)) throw new RuntimeError(`the eval model's outputs (${names.join(', ')}) came back as ${results.length}; '${output}' cannot be told apart`);
    return Float32Array.from(results[names.indexOf(output)].data as Float32Array);
  }

  /** Apply the optimizer, then reset the gradient buffers (else the next step would add to them). */
  async optimizerStep(): Promise<void> {
    try {
      await this.session.runOptimizerStep();
      await this.session.lazyResetGrad();
    } catch (e) {
      throw new RuntimeError(`optimizer step failed: ${describe(e)}`);
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private feeds(feeds: Record<string, HostTensor>) {
    return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, toOrt(this.ort, t)]));
  }

  private async wrap(p: Promise<OrtTraining.ReturnType>): Promise<Record<string, HostTensor>> {
    let out: OrtTraining.ReturnType;
    try {
      out = await p;
    } catch (e) {
      throw new RuntimeError(`training step failed: ${describe(e)}`);
    }
    const result: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(out)) {
      result[k] = { dtype: v.type as HostTensor['dtype'], dims: [...v.dims], data: v.data as Float32Array };
    }
    return result;
  }
}
