// Malformed and hostile model files, each made from the hand-made MLP by breaking one thing, with the
// one line each is refused with: external data that leads out of the model's folder, tensors whose
// dims and data disagree, bytes that are not a model, graphs that break ONNX's rules.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { util } from 'protobufjs';
import { Graph } from '../../src/graph/types';
import { decodeModel } from '../../src/onnx/decode';
import { encodeModel } from '../../src/onnx/encode';
import { ModelProto, TensorProto } from '../../src/onnx/onnx-schema';
import { int, mlpNodes, mlpWeights, model, node } from './hand-made-onnx';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped here */
export interface HostileFile {
  what: string;
  file: string;
  /** The refusal (after "error: " and, from evaluate/predict, the file's path). */
  message: RegExp;
}

/**
 * Writes the files into `dir` (beside them: weights.bin, a link to /etc/hostname, a folder) and
 * returns them with their refusals; also `dir/external.onnx`, a sound model whose w1 is in weights.bin.
 */
export function writeHostileFiles(dir: string): HostileFile[] {
  mkdirSync(dir, { recursive: true });
  const good = model(mlpNodes(), mlpWeights());
  const proto = () => ModelProto.decode(good) as any;
  const cases: HostileFile[] = [];
  const add = (what: string, name: string, content: Uint8Array | any, message: RegExp) => {
    writeFileSync(join(dir, name), content instanceof Uint8Array ? content : ModelProto.encode(content).finish());
    cases.push({ what, file: join(dir, name), message });
  };
  const [w1] = mlpWeights();
  const w1Bytes = Buffer.from(w1.data.buffer);
  writeFileSync(join(dir, 'weights.bin'), w1Bytes);
  symlinkSync('/etc/hostname', join(dir, 'link.bin'));
  mkdirSync(join(dir, 'folder'));
  const external = (entry: Record<string, string>) => {
    const p = proto();
    p.graph.initializer[0] = { name: 'w1', dims: [16, 784], dataType: 1, dataLocation: 1, externalData: Object.entries(entry).map(([key, value]) => ({ key, value })) };
    return p;
  };
  writeFileSync(join(dir, 'external.onnx'), ModelProto.encode(external({ location: 'weights.bin' })).finish());
  add('external data at an absolute path', 'ext-absolute.onnx', external({ location: '/etc/hostname' }), /external data "\/etc\/hostname" lies outside the model's folder$/);
  add('external data with ..', 'ext-dotdot.onnx', external({ location: '../../etc/passwd' }), /external data "..\/..\/etc\/passwd" lies outside the model's folder$/);
  add('external data through a link out of the folder', 'ext-link.onnx', external({ location: 'link.bin' }), /external data "link\.bin" lies outside the model's folder \(through a link\)$/);
  add('external data on a device', 'ext-device.onnx', external({ location: '/dev/zero', length: String(w1Bytes.length) }), /external data "\/dev\/zero" lies outside the model's folder$/);
  add('external data in a folder', 'ext-folder.onnx', external({ location: 'folder' }), /external data "folder" is not a regular file$/);
  add('external data past the file\'s end', 'ext-past-end.onnx', external({ location: 'weights.bin', offset: String(w1Bytes.length - 4), length: String(w1Bytes.length) }),
    new RegExp(`external data "weights\\.bin": bytes ${w1Bytes.length - 4}-${2 * w1Bytes.length - 4} lie past its end \\(${w1Bytes.length} bytes\\)$`));
  add('external data named with a NUL byte', 'ext-nul.onnx', external({ location: 'weights\u0000.bin' }), /external data "weights\\u0000\.bin": a location with control characters is not a file name$/);
  add('a missing external data file', 'ext-missing.onnx', external({ location: 'missing.bin' }), /external data "missing\.bin": cannot find \S*missing\.bin: no such file or folder \(ENOENT\)$/);
  const b1 = (change: (t: any) => void) => {
    const p = proto();
    change(p.graph.initializer[1]);
    return p;
  };
  add('a negative dim', 'dims-negative.onnx', b1((t) => (t.dims = [-16])), /tensor 'b1': dims \[-16\] are not sizes/);
  add('dims whose product overflows', 'dims-overflow.onnx', b1((t) => (t.dims = [2 ** 40, 2 ** 40])), /tensor 'b1': dims \[1099511627776,1099511627776\] hold more values than any file can$/);
  add('dims that disagree with the data', 'dims-mismatch.onnx', b1((t) => (t.dims = [17])), /tensor 'b1': 64 bytes of data for dims \[17\] \(68 expected\)$/);
  add('8 bytes claiming 16 GB', 'dims-gigabytes.onnx', b1((t) => ((t.dims = [4_000_000_000]), (t.rawData = new Uint8Array(8)))), /tensor 'b1': 8 bytes of data for dims \[4000000000\] \(16000000000 expected\)$/);
  add('raw data of an odd length', 'raw-odd-length.onnx', b1((t) => (t.rawData = t.rawData.subarray(0, 63))), /tensor 'b1': 63 bytes of data for dims \[16\] \(64 expected\)$/);
  add('a truncated file', 'truncated.onnx', good.subarray(0, good.length >> 1), /not an ONNX model \(index out of range\)$/);
  add('random bytes', 'random.onnx', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251), /not an ONNX model \(/);
  add('a protobuf that is a tensor, not a model', 'tensor.onnx', TensorProto.encode(proto().graph.initializer[1]).finish(), /not an ONNX model \(/);
  const [flatten, dense1, relu, dense2] = mlpNodes();
  const n = (nodes: ReturnType<typeof mlpNodes>, opts = {}) => model(nodes, mlpWeights(), opts);
  add('a value made twice', 'duplicate.onnx', n([flatten, dense1, relu, node('Relu', ['h'], ['a']), dense2]), /'a' is made twice, by node 'n\d+' \(Relu\) and by node 'n\d+' \(Relu\); every value needs a name of its own$/);
  add('a value nothing makes', 'dangling.onnx', n([flatten, dense1, node('Relu', ['nowhere'], ['a']), dense2]), /node 'n\d+' \(Relu\) reads 'nowhere', which no graph input, initializer or node makes$/);
  add('a cycle', 'cycle.onnx', n([flatten, node('Add', ['flat', 'z'], ['y']), node('Relu', ['y'], ['z']), node('Gemm', ['z', 'w1', 'b1'], ['h'], { transB: int(1) }), relu, dense2]),
    /node 'n\d+' \(Add\) reads 'z' before node 'n\d+' \(Relu\) makes it \(the nodes are not in order, or form a cycle\)$/);
  add('an opset ONNX does not have', 'opset-99.onnx', n(mlpNodes(), { opset: 99 }), /ai\.onnx opset 99 is newer than any this project knows \(up to 28\)$/);
  add('a custom operator set', 'custom-domain.onnx', n([flatten, dense1, { ...relu, domain: 'com.example' }, dense2]), /node 'n\d+'.*Relu.*com\.example/);
  add('a node with no operator, named with line breaks', 'no-operator.onnx', n([flatten, dense1, { ...relu, opType: '', name: 'evil\nname' }, dense2]),
    /node 'evil\\x0aname' \(no operator\): every node must name its operator$/);
  add('subgraphs nested 40 deep', 'nested.onnx', nestedIfs(40), /subgraphs \(If\/Loop\/Scan bodies\) nested more than about 30 deep; refused$/);
  return cases;
}

/** The MLP with an If beside it whose branch holds an If whose branch ... `depth` deep. */
function nestedIfs(depth: number): Uint8Array {
  let branch: Graph = { name: 'leaf', inputs: [], outputs: [], nodes: [], initializers: [] };
  for (let i = 0; i < depth; i++) branch = { name: `g${i}`, inputs: [], outputs: [], nodes: [node('If', ['cond'], [`o${i}`], { then_branch: { kind: 'graph', value: branch } })], initializers: [] };
  const m = decodeModel(model(mlpNodes(), mlpWeights()));
  m.graph.nodes.push(...branch.nodes);
  const limit = util.recursionLimit;
  util.recursionLimit = 1000; // only to write the file; reading it keeps protobufjs's limit
  try {
    return encodeModel(m);
  } finally {
    util.recursionLimit = limit;
  }
}
