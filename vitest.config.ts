import { defineConfig } from 'vitest/config';

// Unit and integration tests run in parallel forks; the end-to-end suite (code-server) is heavy
// and runs in its own project, one file at a time, after the others.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
