import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // extension/panel: the panel's pure model (store, recording, site index), in Node like src/.
    include: ['src/**/*.test.ts', 'extension/panel/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
