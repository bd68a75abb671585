import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start PGlite (WASM) and build indexes: give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One file at a time: integration tests share ports, data directories and two cores.
    fileParallelism: false,
  },
});
