// Owns the build: Svelte compilation, the generated service worker and web manifest, and the
// security headers that `vite preview` (our production-like server) sends.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

const THEME_COLOR = '#1f3a5f';
const BACKGROUND_COLOR = '#f4f6f9';

// Keep in step with the <meta http-equiv="Content-Security-Policy"> in index.html. The header adds
// frame-ancestors, which browsers ignore in a meta tag (CSP3 §6.1.2): clickjacking protection needs
// the header.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets WebAssembly compile (hash-wasm's Argon2, which KDBX 4 databases and Bitwarden's Argon2id
  // exports need, issue #16); it allows no JavaScript eval, and WebAssembly still comes only from 'self'.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  // Trusted Types (issue 8): a string can no longer reach an HTML or script sink (innerHTML, script src,
  // serviceWorker.register, importScripts). Three policies exist: Svelte's own, through which its compiled
  // templates are cloned (node_modules/svelte/src/internal/client/dom/reconciler.js; Keyward uses no {@html}),
  // ours for the service worker URL (src/shell/trusted-types.ts), and ours for XML only (src/shell/xml-parser.ts:
  // kdbxweb parses KeePass XML with DOMParser). No 'allow-duplicates': a second policy
  // of either name, or any other name, is refused.
  "require-trusted-types-for 'script'",
  'trusted-types svelte-trusted-html keyward-sw keyward-xml',
].join('; ');

/** The public face of each layer: src/crypto/index.ts, src/storage/index.ts, src/vault/index.ts, … */
const LAYER_INDEX = /[\\/]src[\\/](crypto|interop|storage|vault|ui|shell)[\\/](?:[\w-]+[\\/])?index\.ts$/;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'generateSW',
      // Prompt mode: a waiting worker never takes over an unlocked vault by itself; the person
      // chooses when to reload (src/shell/pwa.svelte.ts).
      registerType: 'prompt',
      // We register through workbox-window in src/shell, so no inline script lands in index.html
      // (the CSP forbids inline scripts).
      injectRegister: false,
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      // The icons are precached by globPatterns already; listing them twice only duplicates entries.
      includeManifestIcons: false,
      manifest: {
        name: 'Keyward',
        short_name: 'Keyward',
        description: 'Offline-first key manager: secrets and keys encrypted and kept on this device.',
        lang: 'en',
        start_url: './',
        scope: './',
        display: 'standalone',
        theme_color: THEME_COLOR,
        background_color: BACKGROUND_COLOR,
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Every built asset is precached, so the whole app (including lazily loaded chunks such as
        // the password-strength dictionaries) works offline after the first visit.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,ico,woff2}'],
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // One self-contained sw.js: the split runtime is loaded with importScripts(string), a Trusted Types
        // sink that the CSP header (which the worker gets too) refuses.
        inlineWorkboxRuntime: true,
        // The zxcvbn dictionaries chunk is 1–2 MB; the workbox default (2 MiB) is too close.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        // Prompt mode: the new worker waits until the person clicks "Update".
        skipWaiting: false,
        clientsClaim: false,
      },
    }),
  ],
  build: {
    target: 'es2022',
    rolldownOptions: {
      treeshake: {
        // A layer's index.ts only re-exports (ARCHITECTURE.md §1; test/unit/layers.test.ts keeps it so). Declared
        // free of side effects, an import of one name through it binds to the module that defines the name, instead of
        // running — and so bundling — every module of the layer: the unlock screen imports openVault from src/vault,
        // and without this the Session, search, audit report and export code all landed in the initial bundle (issue
        // #7). Every other module keeps the default (undefined: its own code and package.json decide).
        moduleSideEffects: (id) => (LAYER_INDEX.test(id) ? false : undefined),
      },
    },
    // A key manager ships no source maps to every visitor; debug locally with `vite`.
    sourcemap: false,
    // The lazily loaded zxcvbn dictionaries are one ~1.2 MB chunk by design (ui/strength.ts).
    chunkSizeWarningLimit: 1600,
  },
  server: {
    // No CSP in dev: Vite's dev server injects component styles as <style> elements, which
    // style-src 'self' forbids. The production build is what the policy protects (and e2e tests).
    headers: { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' },
  },
  preview: {
    port: 4173,
    strictPort: true,
    host: 'localhost',
    headers: SECURITY_HEADERS,
  },
});
