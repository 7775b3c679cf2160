// Owns the benchmark build and server (issue #7, `npm run bench`): the bench page (bench/index.html,
// which drives src/vault and src/crypto in a real browser) is built into dist-bench/__bench/, next to a
// build of the app in dist-bench/ made with the app's own vite.config.ts. `vite preview` with this config
// serves dist-bench/ on one origin, so the bench page and the app share one IndexedDB: the page seeds
// the vault that the real app then unlocks. The app's config stays untouched (and its dist/ too).
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import appConfig from './vite.config.ts';

/** Everything the benchmark builds lives here (git-ignored). */
export const BENCH_OUT_DIR = fileURLToPath(new URL('./dist-bench', import.meta.url));
/** The bench page's path on the server; the app keeps '/' as in production. */
export const BENCH_BASE = '/__bench/';
/** Not 4173: the e2e tests and `npm start` use that one, possibly at the same time. */
export const BENCH_PORT = 4174;

// The same security headers as the app's own preview (CSP included), so the app runs as it ships.
const appHeaders = typeof appConfig === 'object' && appConfig !== null ? (appConfig as UserConfig).preview?.headers : undefined;

export default defineConfig(({ isPreview }) =>
  isPreview
    ? {
        // Serves dist-bench/: the app at /, the bench page at /__bench/ (one origin, one IndexedDB).
        root: fileURLToPath(new URL('.', import.meta.url)),
        base: '/',
        build: { outDir: BENCH_OUT_DIR },
        preview: { port: BENCH_PORT, strictPort: true, host: 'localhost', headers: appHeaders ?? {} },
        logLevel: 'warn',
      }
    : {
        root: fileURLToPath(new URL('./bench', import.meta.url)),
        base: BENCH_BASE,
        publicDir: false,
        build: {
          outDir: `${BENCH_OUT_DIR}/__bench`,
          emptyOutDir: true,
          target: 'es2022',
          sourcemap: false,
          // The harness is never shipped; readable stack traces help when a run fails.
          minify: false,
          reportCompressedSize: false,
        },
        logLevel: 'warn',
      },
);
