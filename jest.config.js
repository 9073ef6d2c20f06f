/** Jest runs TypeScript through SWC (no type-check: `npm run typecheck` does that once).
 * Every stage is synthesized once per run in globalSetup and shared with all test files. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  // Each file: CloudFormation's template checks only where a file owns its templates (see the file).
  setupFiles: ['<rootDir>/test/support/worker-setup.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Jest's default on 2 cores is one worker; the main process idles once globalSetup is done, so use both.
  maxWorkers: 2,
  testTimeout: 60000,
};
