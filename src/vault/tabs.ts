// Owns what one tab tells the others (BroadcastChannel): committed writes, "lock", activity, changes that end sessions,
// and what is on the clipboard (never the value).

import { DB, onCommitted, type StoreName } from '../storage';

/** What tabs of one origin say to each other. Never a secret: store names and a kind of event only. */
export type TabMessage =
  /** A readwrite transaction committed in another tab; reload what lives in these stores. */
  | { type: 'changed'; stores: StoreName[] }
  /** "Lock" (or auto-lock) in another tab: lock here too. */
  | { type: 'lock' }
  /** The person is active in another tab: push the auto-lock deadline back here too. */
  | { type: 'activity' }
  /** The vault's keys changed underneath every session (user key rotated, vault replaced from a backup): lock. */
  | { type: 'rekeyed' }
  /**
   * What Keyward put on the clipboard, never the value: another tab `copied` a secret (and clears it on its timer),
   * `cleared` it, or `needs-clear`: its copy may still be there and it cannot clear it (the browser refused, as it does
   * to a page without focus, or the tab is closing), so a tab that can should clear it now.
   */
  | { type: 'clipboard'; state: ClipboardState };

/** The states a `clipboard` message tells (ui/shared/clipboard.svelte.ts acts on them). */
export type ClipboardState = 'copied' | 'cleared' | 'needs-clear';

/** The channel's name: one per vault database. */
export const TAB_CHANNEL = `keyward:${DB.name}`;

const MESSAGE_TYPES = new Set(['changed', 'lock', 'activity', 'rekeyed', 'clipboard']);
const CLIPBOARD_STATES = new Set<string>(['copied', 'cleared', 'needs-clear'] satisfies ClipboardState[]);
const STORE_NAMES = new Set<string>(Object.values(DB.stores));

interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface TabSyncOptions {
  /** Which database's writes to announce (tests use their own). */
  dbName?: string;
  /** A channel stand-in (tests); default: a BroadcastChannel, or none where the browser lacks it. */
  channel?: ChannelLike | null;
}

/**
 * Announces this tab's committed writes to the other tabs and hands their messages to `listen`ers.
 * Where BroadcastChannel is missing, tabs simply do not hear each other (each still works alone).
 */
export class TabSync {
  readonly #dbName: string;
  readonly #channel: ChannelLike | null;
  readonly #listeners = new Set<(message: TabMessage) => void>();
  readonly #stopCommits: () => void;

  constructor(options: TabSyncOptions = {}) {
    this.#dbName = options.dbName ?? DB.name;
    this.#channel = options.channel !== undefined ? options.channel : typeof BroadcastChannel === 'function' ? (new BroadcastChannel(`keyward:${this.#dbName}`) as ChannelLike) : null;
    if (this.#channel !== null) this.#channel.onmessage = (event) => this.#receive(event.data);
    this.#stopCommits = onCommitted((change) => {
      if (change.dbName === this.#dbName) this.announce({ type: 'changed', stores: [...change.stores] });
    });
  }

  announce(message: TabMessage): void {
    try {
      this.#channel?.postMessage(message);
    } catch {
      // A closed channel: the other tabs will find out at their next read.
    }
  }

  /** Messages from other tabs (never this tab's own). Returns an unsubscribe function. */
  listen(fn: (message: TabMessage) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  close(): void {
    this.#stopCommits();
    this.#listeners.clear();
    if (this.#channel !== null) {
      this.#channel.onmessage = null;
      this.#channel.close();
    }
  }

  #receive(data: unknown): void {
    const message = parseMessage(data);
    if (message === null) return;
    for (const fn of [...this.#listeners]) fn(message);
  }
}

/** Anything on the channel is checked before use: another page of the origin could post anything. */
function parseMessage(data: unknown): TabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) return null;
  if (type === 'clipboard') {
    const state = (data as { state?: unknown }).state;
    return typeof state === 'string' && CLIPBOARD_STATES.has(state) ? { type, state: state as ClipboardState } : null;
  }
  if (type !== 'changed') return { type } as TabMessage;
  const stores = (data as { stores?: unknown }).stores;
  if (!Array.isArray(stores) || !stores.every((s) => typeof s === 'string' && STORE_NAMES.has(s))) return null;
  return { type, stores: [...stores] as StoreName[] };
}
