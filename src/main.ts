// Composition root: builds the shell's PWA and device controls and mounts the UI with the vault.
import { mount } from 'svelte';
import { App } from './ui';
import { openVault, type OpenVaultOptions } from './vault';
import { createDeviceControls, createPwaControls, installXmlOnlyDomParser } from './shell';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html must contain <div id="app">');

// Before anything parses XML (the KeePass importer): an XML-only DOMParser under Trusted Types.
installXmlOnlyDomParser(window as unknown as Parameters<typeof installXmlOnlyDomParser>[0]);

const pwa = createPwaControls({
  // Only a production build has a service worker (vite-plugin-pwa generateSW writes dist/sw.js).
  registerServiceWorker: import.meta.env.PROD,
  serviceWorkerUrl: `${import.meta.env.BASE_URL}sw.js`,
  window,
});

const device = createDeviceControls({
  navigator: window.navigator,
  localStorage: () => window.localStorage,
  reload: () => window.location.reload(),
});

mount(App, {
  target,
  props: { loadVault: (hooks: OpenVaultOptions) => openVault(hooks), pwa, device },
});
