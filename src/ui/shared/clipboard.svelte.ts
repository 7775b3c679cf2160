// Owns what Keyward writes to the clipboard: the copy, the timed clear, the clear on lock, the clear when the tab
// closes, and what the tabs tell each other about it (never the value).

import type { DeviceControls } from '../contracts';
import type { KeyId, TabMessage } from '../../vault';

type ClipboardState = Extract<TabMessage, { type: 'clipboard' }>['state'];

/** The other tabs of this vault (TabSync); null where they cannot be told (no BroadcastChannel, tests). */
export interface ClipboardPeers {
  announce(message: TabMessage): void;
  listen(fn: (message: TabMessage) => void): () => void;
}

/** The page's lifecycle events this guard listens to while a copy of its own may be on the clipboard. */
export interface PageEvents {
  addEventListener(type: 'beforeunload' | 'pagehide', listener: () => void): void;
  removeEventListener(type: 'beforeunload' | 'pagehide', listener: () => void): void;
}

/**
 * Who may have put a secret on the clipboard and not cleared it: nobody, this tab (its timer is running), or another
 * tab of the vault (which said `copied` or `needs-clear`, and nobody said `cleared` since).
 */
type Holder = 'none' | 'mine' | 'other';

/**
 * Chromium lets only the focused page write the clipboard, and a write started in `pagehide` never lands; one started
 * in `beforeunload` does (the page still has focus). So a tab that closes clears in `beforeunload`. Whenever the tab
 * that copied cannot clear (its timer or a lock came while it had no focus, or it is closing from behind another tab)
 * it says `needs-clear`, and the tab with focus clears at once (the others when they get focus; the first to succeed
 * says `cleared`, which ends every pending retry). A lock in the tab the person uses thus clears another tab's copy at
 * once. Nothing can clear after the last tab is gone (README "Limits").
 */
export class ClipboardGuard {
  readonly #device: DeviceControls;
  readonly #peers: ClipboardPeers | null;
  readonly #page: PageEvents | null;
  #holder: Holder = 'none';
  /** A clear the browser refused (clipboard writes need focus); retried when the page is focused again. */
  #clearPending = false;
  /** Bumped by every change of who holds the clipboard: a clear that settles after a newer change does not count. */
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #copiedKey = $state<KeyId | null>(null);
  #clearSeconds = $state(0);
  /** `beforeunload`: the tab is closing or navigating away with a copy of its own on the clipboard. */
  readonly #onBeforeUnload = () => void this.clear();
  readonly #onPageHide = () => this.#sayLeaving();

  constructor(device: DeviceControls, options: { peers?: ClipboardPeers | null; page?: PageEvents | null } = {}) {
    this.#device = device;
    this.#peers = options.peers ?? null;
    this.#page = options.page !== undefined ? options.page : typeof window === 'undefined' ? null : window;
    // Heard until the peers close (TabSync.close() drops its listeners).
    this.#peers?.listen((message) => {
      if (message.type === 'clipboard') this.#heard(message.state);
    });
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
    this.#become('mine');
    this.#clearPending = false;
    this.#copiedKey = keyId;
    this.#clearSeconds = clearSeconds;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.clear();
    }, clearSeconds * 1000);
    this.#announce('copied');
  }

  /**
   * Overwrites the clipboard with '' if this tab or another may have left a secret there; a refusal is remembered and
   * retried on focus. The clipboard cannot be read without asking the person, so it is cleared without looking:
   * something copied elsewhere after our copy is cleared too, as the timer would have done.
   */
  async clear(): Promise<void> {
    this.#cancelTimer();
    this.#copiedKey = null;
    if (this.#holder === 'none') return;
    const generation = this.#generation;
    const mine = this.#holder === 'mine';
    try {
      await this.#device.writeClipboard('');
    } catch {
      if (generation !== this.#generation) return;
      this.#clearPending = true;
      // Only the tab that copied asks (a tab that heard the request and was refused too stays quiet: no echo).
      if (mine) this.#announce('needs-clear');
      return;
    }
    if (generation !== this.#generation) return;
    this.#become('none');
    this.#clearPending = false;
    this.#announce('cleared');
  }

  /** Call when the page gains focus or becomes visible: finishes a clear the browser refused while hidden. */
  retryPendingClear(): void {
    if (this.#clearPending) void this.clear();
  }

  /** Another tab's news about the clipboard. */
  #heard(state: ClipboardState): void {
    switch (state) {
      case 'copied':
        // Its copy replaced ours: our timer would only clear its value early; its own timer clears it.
        this.#forgetOwn();
        this.#become('other');
        return;
      case 'cleared':
        // Nothing of ours is left to clear, and a refused clear of ours must not wipe what is copied later.
        this.#forgetOwn();
        this.#become('none');
        return;
      case 'needs-clear':
        // Its copy may still be there and it cannot clear it: clear now if this tab has focus, else when it gets focus.
        if (this.#holder === 'none') this.#become('other');
        void this.clear();
        return;
    }
  }

  /** `pagehide`: the page is going; if its own clear has not landed, the tab with focus clears instead. */
  #sayLeaving(): void {
    if (this.#holder === 'mine') this.#announce('needs-clear');
  }

  #forgetOwn(): void {
    this.#cancelTimer();
    this.#copiedKey = null;
    this.#clearPending = false;
  }

  /** Changes who holds the clipboard; the page's events are listened to only while the copy is this tab's. */
  #become(holder: Holder): void {
    this.#generation += 1;
    if (holder === this.#holder) return;
    if (holder === 'mine') {
      this.#page?.addEventListener('beforeunload', this.#onBeforeUnload);
      this.#page?.addEventListener('pagehide', this.#onPageHide);
    } else if (this.#holder === 'mine') {
      this.#page?.removeEventListener('beforeunload', this.#onBeforeUnload);
      this.#page?.removeEventListener('pagehide', this.#onPageHide);
    }
    this.#holder = holder;
  }

  #announce(state: ClipboardState): void {
    this.#peers?.announce({ type: 'clipboard', state });
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
