/** Test projects: unit (pure, fast), integration (real DynamoDB Local + emulator), infra (template), e2e (local stack). */
import { defineConfig } from 'vitest/config';

/** Powertools logs stay quiet in tests; a failing assertion says what went wrong. */
const env = { POWERTOOLS_LOG_LEVEL: 'SILENT' };

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/integration-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: { name: 'infra', env, include: ['test/infra/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // each file starts a whole local stack; two cores run them one after another
          fileParallelism: false,
        },
      },
    ],
  },
});
