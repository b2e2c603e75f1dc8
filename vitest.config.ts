import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Store and HTTP tests open real databases; keep parallelism modest on 2-core machines.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One log sink for the whole run, searched for the fixtures' patient data at the end (DESIGN.md §6).
    globalSetup: ['test/support/phi-log-check.ts'],
    setupFiles: ['test/support/log-tap.setup.ts'],
  },
});
