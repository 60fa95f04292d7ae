// Two tiers. `npm test` is the fast one (minutes): every module, short trainings, the CLI.
// `npm run test:all` adds the long tier, the files named *.long.test.ts: real browsers, the
// software GPU, the ONNX checker, OpenCV interop, the packed tarball, runs interrupted by signals.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/helpers/shared-typed-arrays-environment.js',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.long\\.test\\.ts$'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // The CLI's lazy import()s name the compiled file ('./x.js', as Node's import() needs in dist/).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 120000,
  // Jest's default (cores - 1) is one worker on a 2-core machine; two take the fast tier from 420 s
  // to 251 s there (the tests wait on child processes and ONNX Runtime as much as they compute).
  maxWorkers: Math.max(2, require('node:os').cpus().length - 1),
};
