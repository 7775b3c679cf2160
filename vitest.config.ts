import { defineConfig } from 'vitest/config';

// Unit tests run in Node: crypto, storage and vault need only WebCrypto and (fake) IndexedDB.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
