// Reading ONNX Runtime's node placements from its verbose log (the lines check-ep relies on).
import { parsePlacements } from '../../src/runtime/placements';

const line = (text: string) => `2026-11-30 09:15:15.730735275 [V:onnxruntime:, session_state.cc:1383 VerifyEachNodeIsAssignedToAnEp] ${text}`;

test('mixed placements list each node under its provider; a whole graph on one provider is counted', () => {
  const log = [
    line(' Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2'),
    line('  Gather (steps_node)'),
    line('  Loop (loop_node)'),
    '2026-11-30 09:15:15.730 [I:onnxruntime:, transformer_memcpy.cc:393 AddCopyNode] Add MemcpyFromHost after x',
    line(' Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 1'),
    line('  Gemm (dense1_node)'),
    line(' All nodes placed on [WebGpuExecutionProvider]. Number of nodes: 7'),
  ].join('\n');
  expect(parsePlacements(log)).toEqual({
    nodes: [
      { provider: 'CPUExecutionProvider', opType: 'Gather', name: 'steps_node' },
      { provider: 'CPUExecutionProvider', opType: 'Loop', name: 'loop_node' },
      { provider: 'WebGpuExecutionProvider', opType: 'Gemm', name: 'dense1_node' },
    ],
    wholeGraphs: [{ provider: 'WebGpuExecutionProvider', count: 7 }],
  });
});

test('a log without placement lines gives nothing', () => {
  expect(parsePlacements('session created\n')).toEqual({ nodes: [], wholeGraphs: [] });
});
