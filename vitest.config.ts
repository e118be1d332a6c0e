import { defineConfig } from 'vitest/config';

// Three kinds of tests: fast units (node), dashboard components (jsdom) and end-to-end tests that
// start real processes, a real database and a real Chromium (`*.e2e.test.ts`).
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/{bot,admin}/src/**/*.test.ts',
            'tools/src/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['**/*.e2e.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      'apps/dashboard/vitest.config.ts',
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['**/*.e2e.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
