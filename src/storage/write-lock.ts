// Owns cross-tab write serialization: one exclusive Web Lock per database, held around every readwrite transaction.

/** The part of the Web Locks API used here (W3C Web Locks: LockManager.request with an exclusive lock). */
export interface LockManagerLike {
  request<T>(name: string, options: { mode: 'exclusive' }, callback: () => Promise<T>): Promise<T>;
}

/** Proof that the write lock of one database is held; withTx does not ask for it again (Web Locks are not re-entrant). */
export interface WriteLock {
  readonly dbName: string;
  readonly __brand: 'WriteLock';
}

/** Lock names are per database, so a temporary database (a backup merge) never waits for the vault's writers. */
export const writeLockName = (dbName: string): string => `keyward-write:${dbName}`;

let override: LockManagerLike | null | undefined;

/**
 * Tests inject a lock manager (Node has no navigator.locks), or null to force the fallback; undefined
 * goes back to the browser's own.
 */
export function setLockManager(manager: LockManagerLike | null | undefined): void {
  override = manager;
}

function lockManager(): LockManagerLike | null {
  if (override !== undefined) return override;
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return typeof nav?.locks?.request === 'function' ? nav.locks : null;
}

/**
 * Runs `fn` while holding the database's exclusive write lock, so a read-prepare-write in one tab never
 * interleaves with another tab's. Where the Web Locks API is missing (Node, old browsers) `fn` runs at once:
 * the transaction-level checks (the audit head, the key's stored ciphertext) still refuse a lost update.
 */
export async function withWriteLock<T>(dbName: string, fn: (lock: WriteLock) => Promise<T>): Promise<T> {
  const token = Object.freeze({ dbName }) as WriteLock;
  const manager = lockManager();
  if (manager === null) return fn(token);
  return manager.request(writeLockName(dbName), { mode: 'exclusive' }, () => fn(token));
}
