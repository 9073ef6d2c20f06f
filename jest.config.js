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
  // Three workers on this 2-core machine: many files wait on child processes (the CLI's bin, the report's
  // SVG renderer, Chromium, the CloudFormation checks). The suite is CPU-bound (about 165 s of CPU for 72 s of
  // jest time on a fresh clone, 2026-12-02), so time goes down only with less work: fewer, larger test files
  // (each file loads its modules afresh) and the caches globalSetup fills.
  maxWorkers: 3,
  testTimeout: 60000,
};
