import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure tests beside the code, no servers) and `integration`
 * (real Temporal dev server, real SQLite and real PostgreSQL, one server each per run via globalSetup).
 */
export default defineConfig({
  test: {
    // Two files at a time, whatever the core count (Vitest's default is one fewer than the cores:
    // one on CI's two). Integration tests mostly wait on servers and processes, so two overlap well;
    // every bound they assert is a liveness bound with margins set for a loaded machine.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
          environment: 'node',
          // Modules tested directly do not pass through @ordo/core's index, which loads JSONata for parsing.
          setupFiles: ['packages/core/src/model/expression-engine.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,packages,examples}/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
          environment: 'node',
          // One Temporal dev server and one PostgreSQL server per run (DATABASE_URL names another).
          globalSetup: ['packages/testing/src/global-setup.ts', 'packages/testing/src/postgres-setup.ts'],
          setupFiles: ['packages/testing/src/setup-runtime.ts'],
          // Temporal's native bridge is happiest in child processes rather than worker threads.
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
