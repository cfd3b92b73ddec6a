import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The container images' test is a suite of its own (vitest.containers.config.ts).
    exclude: [...configDefaults.exclude, 'test/containers/**'],
    // A PostgreSQL server for postgres.test.ts: the db package's (a throwaway one unless
    // CONVLAB_TEST_POSTGRES_URL names one).
    globalSetup: ['../../packages/db/test/postgres-setup.ts'],
    // These tests start real trainer processes that train real models: give them time, and run the
    // files one after another so two suites don't fight over the 2 cores.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
