/**
 * Test projects: unit (pure, fast), integration (real DynamoDB Local + emulator), infra (template),
 * e2e (local stack), capacity (heavy loads on a DynamoDB Local of their own, run alone).
 */
import { defineConfig } from 'vitest/config';

/** Powertools logs stay quiet in tests; a failing assertion says what went wrong. */
const env = { POWERTOOLS_LOG_LEVEL: 'SILENT' };

/**
 * Deadlines for a loaded two-core machine (other test runs, builds, a JVM beside): tests wait for
 * conditions (test/support/eventually.ts, 90 s by default), and a test's own limit must outlast them.
 */
/** loads what modules defer from a cold start, as every handler does before its work */
const deferredInit = 'test/support/deferred-init-setup.ts';

const patience = { unit: 30_000, integration: 120_000, infra: 180_000, e2e: 300_000, capacity: 1_800_000 };

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          env,
          setupFiles: [deferredInit],
          testTimeout: patience.unit,
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/integration-setup.ts'],
          setupFiles: [deferredInit],
          testTimeout: patience.integration,
          hookTimeout: patience.integration,
        },
      },
      {
        test: {
          name: 'infra',
          env,
          include: ['test/infra/**/*.test.ts'],
          setupFiles: [deferredInit],
          testTimeout: patience.infra,
          hookTimeout: patience.infra,
        },
      },
      {
        test: {
          // the capacity tests load a DynamoDB Local of their own with tens of thousands of writes:
          // a group of their own runs them alone on the machine's cores, not beside the other
          // projects (beside them, 10,000 leads took 30 minutes in CI instead of 5)
          name: 'capacity',
          env,
          include: ['test/capacity/**/*.test.ts'],
          setupFiles: [deferredInit],
          sequence: { groupOrder: 1 },
          testTimeout: patience.capacity,
          hookTimeout: patience.integration,
        },
      },
      {
        test: {
          name: 'e2e',
          // the fuzz suite drives a local stack too, so it runs among the e2e files, one after another
          include: ['test/e2e/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          testTimeout: patience.e2e,
          hookTimeout: patience.e2e,
          // each file starts a whole local stack; two cores run them one after another
          fileParallelism: false,
          setupFiles: [deferredInit],
        },
      },
    ],
  },
});
