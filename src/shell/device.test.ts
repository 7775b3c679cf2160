// Tests the shell's device controls: the vault marker, persistent-storage answers and clipboard writes.
import { describe, expect, it } from 'vitest';
import { createDeviceControls, VAULT_MARKER_KEY, LAST_USER_KEY } from './device';

class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  clear(): void {
    this.#items.clear();
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
}

function fakeNavigator(parts: Partial<{ storage: Partial<StorageManager>; clipboard: Partial<Clipboard> }>): Navigator {
  return parts as unknown as Navigator;
}

describe('createDeviceControls', () => {
  it('keeps the vault marker as "1" under its key, and clears it', () => {
    const storage = new MemoryStorage();
    const device = createDeviceControls({ navigator: fakeNavigator({}), localStorage: () => storage });
    expect(device.vaultMarker.get()).toBe(false);
    device.vaultMarker.set();
    expect(storage.getItem(VAULT_MARKER_KEY)).toBe('1');
    expect(VAULT_MARKER_KEY).toBe('keyward.vault-created');
    expect(device.vaultMarker.get()).toBe(true);
    device.vaultMarker.clear();
    expect(storage.getItem(VAULT_MARKER_KEY)).toBeNull();
    expect(device.vaultMarker.get()).toBe(false);
  });

  it('remembers the last signed-in user id under keyward.last-user, and nothing where storage is blocked', () => {
    const storage = new MemoryStorage();
    const device = createDeviceControls({ navigator: fakeNavigator({}), localStorage: () => storage });
    expect(device.lastUser?.get()).toBeNull();
    device.lastUser?.set('user-42');
    expect(LAST_USER_KEY).toBe('keyward.last-user');
    expect(storage.getItem(LAST_USER_KEY)).toBe('user-42');
    expect(device.lastUser?.get()).toBe('user-42');
    const blocked = createDeviceControls({
      navigator: fakeNavigator({}),
      localStorage: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    expect(() => blocked.lastUser?.set('user-42')).not.toThrow();
    expect(blocked.lastUser?.get()).toBeNull();
  });

  it('treats any other stored value as no marker', () => {
    const storage = new MemoryStorage();
    storage.setItem(VAULT_MARKER_KEY, 'true');
    const device = createDeviceControls({ navigator: fakeNavigator({}), localStorage: () => storage });
    expect(device.vaultMarker.get()).toBe(false);
  });

  it('survives a localStorage that throws (blocked storage, quota)', () => {
    const blocked = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    const device = createDeviceControls({ navigator: fakeNavigator({}), localStorage: blocked });
    expect(device.vaultMarker.get()).toBe(false);
    expect(() => device.vaultMarker.set()).not.toThrow();
    expect(() => device.vaultMarker.clear()).not.toThrow();

    const full = new MemoryStorage();
    full.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const device2 = createDeviceControls({ navigator: fakeNavigator({}), localStorage: () => full });
    expect(() => device2.vaultMarker.set()).not.toThrow();
    expect(device2.vaultMarker.get()).toBe(false);
  });

  it('answers undefined where the Storage API is missing or fails', async () => {
    const none = createDeviceControls({ navigator: fakeNavigator({}), localStorage: () => new MemoryStorage() });
    expect(await none.persistStorage()).toBeUndefined();
    expect(await none.storagePersisted()).toBeUndefined();

    const failing = createDeviceControls({
      navigator: fakeNavigator({ storage: { persist: () => Promise.reject(new Error('no')), persisted: () => Promise.reject(new Error('no')) } }),
      localStorage: () => new MemoryStorage(),
    });
    expect(await failing.persistStorage()).toBeUndefined();
    expect(await failing.storagePersisted()).toBeUndefined();
  });

  it('passes on the browser\'s persistence answers', async () => {
    const device = createDeviceControls({
      navigator: fakeNavigator({ storage: { persist: async () => true, persisted: async () => false } }),
      localStorage: () => new MemoryStorage(),
    });
    expect(await device.persistStorage()).toBe(true);
    expect(await device.storagePersisted()).toBe(false);
  });

  it('writes to the clipboard, and rejects where there is none or the browser refuses', async () => {
    const written: string[] = [];
    const device = createDeviceControls({
      navigator: fakeNavigator({ clipboard: { writeText: async (text: string) => void written.push(text) } }),
      localStorage: () => new MemoryStorage(),
    });
    await device.writeClipboard('s3cret');
    expect(written).toEqual(['s3cret']);

    const none = createDeviceControls({ navigator: fakeNavigator({}), localStorage: () => new MemoryStorage() });
    await expect(none.writeClipboard('x')).rejects.toMatchObject({ name: 'NotSupportedError' });

    const refusing = createDeviceControls({
      navigator: fakeNavigator({ clipboard: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) } }),
      localStorage: () => new MemoryStorage(),
    });
    await expect(refusing.writeClipboard('x')).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});
