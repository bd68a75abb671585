import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary directory per test run, removed at its end (test/helpers/tmp-root.ts).
    globalSetup: ['test/helpers/tmp-root.ts'],
    // Integration tests start PGlite (WASM) and build indexes: give them room on a 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // One file at a time: integration tests share two cores and must not disturb each other's timing.
    fileParallelism: false,
    // The JSON report feeds scripts/test-summary.mjs (the "N passed, N failed" line of .ci/run).
    reporters: ['default', ['json', { outputFile: 'data/test-results.json' }]],
  },
});
