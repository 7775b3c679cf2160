// Owns the browser capabilities handed to the UI: persistent-storage requests, the clipboard and the
// "a vault was created here" marker kept outside IndexedDB (ARCHITECTURE.md §3).
import type { DeviceControls } from '../ui';

/** localStorage key of the marker; its value is "1". Not secret: it only says a vault existed. */
export const VAULT_MARKER_KEY = 'keyward.vault-created';
/** localStorage key of the last signed-in user's id (the unlock screen's picker starts on them). Not secret. */
export const LAST_USER_KEY = 'keyward.last-user';

export interface DeviceEnvironment {
  navigator: Navigator;
  /** Returns the storage; may throw (blocked storage, opaque origins), so it is read lazily. */
  localStorage: () => Storage;
  /** Reloads the page. */
  reload?: () => void;
}

export function createDeviceControls(env: DeviceEnvironment): DeviceControls {
  const { navigator } = env;

  function withStorage<T>(use: (storage: Storage) => T, fallback: T): T {
    try {
      return use(env.localStorage());
    } catch {
      // Storage can be disabled or full; the marker is a hint, so its absence must not break the app.
      return fallback;
    }
  }

  return {
    async persistStorage() {
      if (typeof navigator.storage?.persist !== 'function') return undefined;
      try {
        return await navigator.storage.persist();
      } catch {
        return undefined;
      }
    },

    async storagePersisted() {
      if (typeof navigator.storage?.persisted !== 'function') return undefined;
      try {
        return await navigator.storage.persisted();
      } catch {
        return undefined;
      }
    },

    async writeClipboard(text: string) {
      if (typeof navigator.clipboard?.writeText !== 'function') {
        throw new DOMException('the clipboard is not available in this browser', 'NotSupportedError');
      }
      await navigator.clipboard.writeText(text);
    },

    reload() {
      env.reload?.();
    },

    vaultMarker: {
      get: () => withStorage((storage) => storage.getItem(VAULT_MARKER_KEY) === '1', false),
      set: () => withStorage((storage) => storage.setItem(VAULT_MARKER_KEY, '1'), undefined),
      clear: () => withStorage((storage) => storage.removeItem(VAULT_MARKER_KEY), undefined),
    },

    lastUser: {
      get: () => withStorage((storage) => storage.getItem(LAST_USER_KEY), null),
      set: (userId: string) => withStorage((storage) => storage.setItem(LAST_USER_KEY, userId), undefined),
    },
  };
}
