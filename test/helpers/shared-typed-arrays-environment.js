// Jest runs each test file in its own realm, whose Float32Array is not the one onnxruntime-node's
// native binding creates; `instanceof` checks then fail on tensors passed back and forth.
// This environment shares the host realm's typed-array constructors with the tests.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = ['ArrayBuffer', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint16Array', 'Uint32Array', 'Uint8ClampedArray'];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArraysEnvironment;
