// Run as a child process by placements.ts: loads one model on an execution provider with ONNX
// Runtime's verbose log on, which prints where each node was placed (to stderr), then exits.
//   node [--import tsx] placement-probe.ts <model.onnx> <ep> [extended|disabled]
import * as ort from 'onnxruntime-node';
import { ExecutionProvider, PROVIDERS } from './providers';

async function main(): Promise<void> {
  const [file, ep, optimization = 'extended'] = process.argv.slice(2);
  ort.env.logLevel = 'verbose';
  const session = await ort.InferenceSession.create(file, {
    executionProviders: [PROVIDERS[ep as ExecutionProvider].node(0) as ort.InferenceSession.ExecutionProviderConfig],
    // 'extended' as the training sessions run (session.ts); 'disabled' keeps every node as written
    graphOptimizationLevel: optimization === 'disabled' ? 'disabled' : 'extended',
    logSeverityLevel: 0,
    logVerbosityLevel: 0,
  });
  await session.release();
}

main().catch((e: Error) => {
  process.stdout.write(`${e.message.split('\n')[0]}\n`);
  process.exit(2);
});
