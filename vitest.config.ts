import { defineConfig } from 'vitest/config';

// Unit and integration tests run in Node 24 (the project's pinned toolchain).
// Browser tests live in e2e/ and run under Playwright instead.
export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'integration/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['scripts/vitest/setupTfjs.ts'],
    // The default output, plus one line per file and reason for tests skipped with context.skip(cond, reason).
    reporters: ['default', './scripts/vitest/skipReasonReporter.ts'],
  },
});
