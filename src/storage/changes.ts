// Owns the in-tab notice of committed writes: which database and which stores a readwrite transaction changed.

import type { StoreName } from './schema';

export interface Committed {
  dbName: string;
  stores: readonly StoreName[];
}

const listeners = new Set<(change: Committed) => void>();

/** Called after every readwrite transaction that committed (tx.done resolved). Returns an unsubscribe function. */
export function onCommitted(listener: (change: Committed) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceCommitted(change: Committed): void {
  for (const listener of [...listeners]) {
    try {
      listener(change);
    } catch {
      // A listener's failure never turns a committed write into a reported failure.
    }
  }
}
