import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): servers killed, storage stopped, the connector failing. Slow by
 * design, so kept out of `npm test`; one file at a time, so the faults of one do not slow another.
 */
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.fault.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
