import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start real peers on loopback; give them room on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Falco prints local clock times; tests pin the zone so their expected strings hold anywhere.
    env: { TZ: 'UTC' },
  },
});
