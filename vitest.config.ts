import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Unit tests run in Node: crypto, storage and vault need only WebCrypto and (fake) IndexedDB. The Svelte plugin
// compiles components a UI module reaches through its feature's index.ts (docs/UI.md); no test mounts them.
export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
