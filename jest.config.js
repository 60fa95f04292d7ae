/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/helpers/shared-typed-arrays-environment.js',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // The CLI's lazy import()s name the compiled file ('./x.js', as Node's import() needs in dist/).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 120000,
};
