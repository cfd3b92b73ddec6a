import { defineConfig } from 'vitest/config';

// The container images' test (test/containers): builds three images and runs them against a
// throwaway PostgreSQL, about ten minutes on 2 cores. Its own suite, so `vitest run` in this package
// (the trainer suite) stays as it was and the two never compete for the cores.
export default defineConfig({
  test: {
    include: ['test/containers/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
  },
});
