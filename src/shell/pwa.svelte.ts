// Owns the service-worker lifecycle and the install prompt: registration through workbox-window,
// the "update available" state (prompt mode: never reloads by itself) and the deferred install event.
import { Workbox } from 'workbox-window';
import type { PwaControls } from '../ui';
import { trustedServiceWorkerUrl, type TrustedTypesLike } from './trusted-types';

/** Chromium's install event; not in lib.dom (https://wicg.github.io/manifest-incubations/). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

export interface PwaOptions {
  /** Register the service worker? Only a production build has one (vite-plugin-pwa generateSW). */
  registerServiceWorker: boolean;
  /** URL of the generated worker, e.g. `${import.meta.env.BASE_URL}sw.js`. */
  serviceWorkerUrl: string;
  /** The window to listen on; injected so tests can pass a fake. */
  window: Window;
}

export class PwaController implements PwaControls {
  #updateAvailable = $state(false);
  #canInstall = $state(false);
  #installed = $state(false);

  readonly #options: PwaOptions;
  #workbox: Workbox | undefined;
  #deferredPrompt: BeforeInstallPromptEvent | undefined;
  #reloadRequested = false;

  constructor(options: PwaOptions) {
    this.#options = options;
  }

  get updateAvailable(): boolean {
    return this.#updateAvailable;
  }

  get canInstall(): boolean {
    return this.#canInstall;
  }

  get installed(): boolean {
    return this.#installed;
  }

  /** Attaches the install listeners and registers the service worker (production only). */
  start(): void {
    const win = this.#options.window;
    const standalone = win.matchMedia?.('(display-mode: standalone)');
    this.#installed = standalone?.matches === true;
    standalone?.addEventListener?.('change', (event) => {
      this.#installed = event.matches;
    });

    win.addEventListener('beforeinstallprompt', (event) => {
      // Keep the event so the install button shows the browser's dialog on a person's click.
      event.preventDefault();
      this.#deferredPrompt = event as BeforeInstallPromptEvent;
      this.#canInstall = true;
    });
    win.addEventListener('appinstalled', () => {
      this.#deferredPrompt = undefined;
      this.#canInstall = false;
      this.#installed = true;
    });

    if (this.#options.registerServiceWorker && 'serviceWorker' in win.navigator) {
      this.#registerServiceWorker();
    }
  }

  async applyUpdate(): Promise<void> {
    const workbox = this.#workbox;
    if (workbox === undefined || !this.#updateAvailable || this.#reloadRequested) return;
    this.#reloadRequested = true;
    // Reload only once the new worker controls this page, so the reload is served by it.
    workbox.addEventListener('controlling', () => {
      this.#options.window.location.reload();
    });
    workbox.messageSkipWaiting();
  }

  async install(): Promise<boolean> {
    const prompt = this.#deferredPrompt;
    if (prompt === undefined) return false;
    // A deferred prompt can be shown once only.
    this.#deferredPrompt = undefined;
    this.#canInstall = false;
    await prompt.prompt();
    const choice = await prompt.userChoice;
    return choice.outcome === 'accepted';
  }

  #registerServiceWorker(): void {
    const win = this.#options.window;
    // The CSP requires Trusted Types: register() takes a TrustedScriptURL from our one named policy.
    const trustedTypes = (win as Window & { trustedTypes?: TrustedTypesLike }).trustedTypes;
    const workbox = new Workbox(trustedServiceWorkerUrl(this.#options.serviceWorkerUrl, win.location.href, trustedTypes));
    this.#workbox = workbox;
    // Prompt mode (vite-plugin-pwa registerType 'prompt'): a new version waits until the person
    // chooses to update, because reloading would drop an unlocked vault and unsaved edits.
    workbox.addEventListener('waiting', () => {
      this.#updateAvailable = true;
    });
    workbox.register().catch((error: unknown) => {
      // Offline support is lost, the app still works online; nothing secret is in this error.
      console.warn('Keyward: service worker registration failed', error);
    });
  }
}

export function createPwaControls(options: PwaOptions): PwaController {
  const controller = new PwaController(options);
  controller.start();
  return controller;
}
