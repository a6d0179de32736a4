/**
 * Jest runs TypeScript through @swc/jest (fast, no type-check); `npm test` runs `tsc --noEmit`
 * first, so types are still checked on every run.
 * Two projects: `unit` (pure, no servers) and `integration` (a real Temporal dev server and a
 * real PostgreSQL, started once by test/setup/global-setup.ts).
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

module.exports = {
  // Integration tests wait on real timers of a real server; unit tests finish long before this.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/simulators/**/*.test.ts', '<rootDir>/test/adapters/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
