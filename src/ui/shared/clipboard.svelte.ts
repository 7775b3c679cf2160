// Owns what Keyward writes to the clipboard: the copy, the timed clear, and the clear on lock.

import type { DeviceControls } from '../contracts';
import type { KeyId } from '../../vault';

export class ClipboardGuard {
  readonly #device: DeviceControls;
  /** True while something we wrote may still be on the clipboard. */
  #wrote = false;
  /** A timed clear the browser refused (clipboard writes need focus); retried when the page is focused again. */
  #clearPending = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #copiedKey = $state<KeyId | null>(null);
  #clearSeconds = $state(0);

  constructor(device: DeviceControls) {
    this.#device = device;
  }

  /** The key whose value was copied last and is not cleared yet. */
  get copiedKey(): KeyId | null {
    return this.#copiedKey;
  }

  /** Seconds after which the last copy is cleared. */
  get clearSeconds(): number {
    return this.#clearSeconds;
  }

  /** Writes `text` and schedules a clear after `clearSeconds`. Rejects when the browser refuses the write. */
  async copy(keyId: KeyId, text: string, clearSeconds: number): Promise<void> {
    this.#cancelTimer();
    await this.#device.writeClipboard(text);
    this.#wrote = true;
    this.#clearPending = false;
    this.#copiedKey = keyId;
    this.#clearSeconds = clearSeconds;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.clear();
    }, clearSeconds * 1000);
  }

  /** Overwrites the clipboard with '' if we wrote to it; a refusal is remembered and retried on focus. */
  async clear(): Promise<void> {
    this.#cancelTimer();
    this.#copiedKey = null;
    if (!this.#wrote) return;
    try {
      await this.#device.writeClipboard('');
      this.#wrote = false;
      this.#clearPending = false;
    } catch {
      this.#clearPending = true;
    }
  }

  /** Call when the page gains focus or becomes visible: finishes a clear the browser refused while hidden. */
  retryPendingClear(): void {
    if (this.#clearPending) void this.clear();
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
