import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): kills workers, Redis and Postgres mid-run. Each file
 * starts its own servers on private loopback ports, and files run one at a time — two files
 * killing processes at once would measure each other's faults, and the machine has two cores.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globals: false,
    fileParallelism: false,
    sequence: { concurrent: false },
    globalSetup: ['test/faults/support/global-setup.ts'],
    // A scenario is a full 1,000-account run plus recovery; a stuck one fails with a diagnosis
    // from its own (shorter) run timeout first.
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
