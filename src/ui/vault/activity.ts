// Owns auto-lock while unlocked: the idle timer, activity pushing it back, and activity told to the other tabs at most
// every few seconds (their deadlines follow this tab's).

import { IdleLock, type Clock, type TabSync } from '../../vault';
import type { ClipboardGuard } from '../shared';

/** Activity is told to the other tabs at most this often (their auto-lock deadlines follow this tab's). */
export const ACTIVITY_BROADCAST_MS = 5_000;

export class Activity {
  readonly #clock: Clock;
  readonly #tabs: TabSync | null;
  readonly #clipboard: ClipboardGuard;
  #idle: IdleLock | null = null;
  #lastBroadcast = Number.NEGATIVE_INFINITY;

  constructor(options: { clock: Clock; tabs: TabSync | null; clipboard: ClipboardGuard }) {
    this.#clock = options.clock;
    this.#tabs = options.tabs;
    this.#clipboard = options.clipboard;
  }

  /** A session opened: lock after `timeoutMs` without activity. */
  start(timeoutMs: number, onIdle: () => void): void {
    this.#idle = new IdleLock({ timeoutMs, onIdle, clock: this.#clock });
    this.#idle.start();
  }

  stop(): void {
    this.#idle?.stop();
    this.#idle = null;
  }

  setTimeoutMs(ms: number): void {
    this.#idle?.setTimeoutMs(ms);
  }

  /** Activity (pointer or key): pushes the auto-lock deadline back. */
  touch(): void {
    this.#idle?.touch();
    if (this.#idle === null) return;
    const now = this.#clock.now();
    if (now - this.#lastBroadcast >= ACTIVITY_BROADCAST_MS) {
      this.#lastBroadcast = now;
      this.#tabs?.announce({ type: 'activity' });
    }
  }

  /** Activity in another tab: pushes the deadline back here too (not told again). */
  heard(): void {
    this.#idle?.touch();
  }

  /** The page became visible or got focus: lock at once if the deadline passed while hidden; finish a refused clipboard clear. */
  check(): void {
    this.#idle?.check();
    this.#clipboard.retryPendingClear();
  }
}
