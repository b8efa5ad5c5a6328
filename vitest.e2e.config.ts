import { defineConfig } from 'vitest/config';

// End-to-end tests drive a real VS Code (code-server) in Chromium: one file at a time, long timeouts.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
