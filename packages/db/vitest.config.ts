import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The queue tests run on SQLite and on PostgreSQL (a throwaway server unless one is named).
    globalSetup: ['test/postgres-setup.ts'],
    // Some tests start real processes against one SQLite file; run files one after another so they
    // do not compete for the 2 CI cores.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
