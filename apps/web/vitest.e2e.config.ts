import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The browser test builds and starts the dashboard and runs real trainers: minutes, not seconds.
export default defineConfig({
  resolve: {
    alias: [{ find: /^~\//, replacement: fileURLToPath(new URL('./src/', import.meta.url)) }],
  },
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 360_000,
    hookTimeout: 360_000,
    fileParallelism: false,
  },
});
