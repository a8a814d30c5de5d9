import { defineConfig } from 'vitest/config';

/** Browser tests: one file at a time, against Debian's chromium (never a downloaded browser). */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
