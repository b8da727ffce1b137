import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // extension/panel: the panel's pure model (store, recording, site index), in Node like src/.
    // extension/background: the worker's recording registrations, against a fake chrome.*.
    include: ['src/**/*.test.ts', 'extension/panel/**/*.test.ts', 'extension/background/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
