import { defineConfig } from 'vitest/config';

// Browser tests drive real Chromium against the real server: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['src/e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-e2e-results.json' },
  },
});
