import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'admin-ui/src/**/*.test.ts',
      'bench/**/*.test.ts',
      'core/**/*.test.ts',
      'connectors/**/*.test.ts',
      'flows/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    // nock intercepts through a library that needs Promise.withResolvers (Node 22+); Node 20 gets it here.
    setupFiles: ['tests/support/polyfills.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
