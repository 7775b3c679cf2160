// Owns the connection and the one transaction helper: open with migrations, write with durability 'strict'.

import { deleteDB, openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { announceCommitted } from './changes';
import { StorageError, toStorageError } from './errors';
import { MIGRATIONS, type Migration } from './migrations';
import { DB, type KeywardSchema, type StoreName } from './schema';
import { withWriteLock, type WriteLock } from './write-lock';

export type KeywardDb = IDBPDatabase<KeywardSchema>;

export interface OpenOptions {
  /** Database name; tests use a fresh one each. */
  name?: string;
  /** Migration steps; tests pass a prefix to seed an older database. Defaults to every released step. */
  migrations?: readonly Migration[];
  /**
   * Another tab wants a newer version (`newVersion`), or is deleting the database (null): this connection
   * is closed, and this is called to tell the person.
   */
  onVersionChange?: (newVersion: number | null) => void;
  /** The browser closed the connection by itself (storage cleared, disk error): this tab must reload. */
  onTerminated?: () => void;
}

export async function openKeywardDb(options: OpenOptions = {}): Promise<KeywardDb> {
  const migrations = options.migrations ?? MIGRATIONS;
  if (typeof indexedDB === 'undefined') throw new StorageError('Unavailable', 'IndexedDB is not available in this browser');
  let db: KeywardDb;
  try {
    db = await openDB<KeywardSchema>(options.name ?? DB.name, migrations.length, {
      upgrade(database, oldVersion, _newVersion, tx) {
        for (let v = oldVersion; v < migrations.length; v++) migrations[v]!(database, tx);
      },
      blocking(_currentVersion, newVersion) {
        // ARCHITECTURE.md §3: an old tab must not hold up a schema upgrade; close and let the UI ask for a reload.
        db.close();
        options.onVersionChange?.(newVersion);
      },
      terminated() {
        options.onTerminated?.();
      },
    });
  } catch (error) {
    const mapped = toStorageError(error);
    if (mapped instanceof StorageError && (mapped.code === 'VersionTooNew' || mapped.code === 'QuotaExceeded')) throw mapped;
    // Private modes refuse open() with UnknownError (Chromium), InvalidStateError (older Firefox) or a
    // SecurityError: whatever the name, there is no database here, and nothing was written.
    throw new StorageError('Unavailable', 'the database could not be opened', { cause: error });
  }
  return db;
}

export type Tx<S extends StoreName[], M extends IDBTransactionMode> = IDBPTransaction<KeywardSchema, S, M>;

export interface TxOptions {
  /** The caller already holds this database's write lock (withWriteLock), around a read-prepare-write. */
  lock?: WriteLock;
}

/**
 * Runs `fn` in one transaction and resolves only after it has committed (`tx.done`).
 * `fn` may await IndexedDB requests only (ARCHITECTURE.md §3): encrypt before calling withTx.
 * If `fn` throws, the transaction is aborted and nothing it wrote is kept.
 * A readwrite transaction holds the database's cross-tab write lock (write-lock.ts) unless the caller
 * passes the one it holds, and is announced to this tab's listeners (changes.ts) once committed.
 */
export async function withTx<S extends StoreName[], M extends IDBTransactionMode, T>(
  db: KeywardDb,
  stores: S,
  mode: M,
  fn: (tx: Tx<S, M>) => Promise<T> | T,
  options: TxOptions = {},
): Promise<T> {
  if (mode !== 'readwrite') return runTx(db, stores, mode, fn);
  const held = options.lock !== undefined && options.lock.dbName === db.name;
  const result = held ? await runTx(db, stores, mode, fn) : await withWriteLock(db.name, () => runTx(db, stores, mode, fn));
  announceCommitted({ dbName: db.name, stores: [...stores] });
  return result;
}

async function runTx<S extends StoreName[], M extends IDBTransactionMode, T>(db: KeywardDb, stores: S, mode: M, fn: (tx: Tx<S, M>) => Promise<T> | T): Promise<T> {
  let tx: Tx<S, M>;
  try {
    tx = db.transaction(stores, mode, mode === 'readwrite' ? { durability: 'strict' } : {});
  } catch (error) {
    throw toStorageError(error);
  }
  // Observe tx.done at once so an abort never surfaces as an unhandled rejection.
  const done = tx.done.then(
    () => undefined,
    (error: unknown) => error ?? new StorageError('Aborted', 'the storage transaction was aborted'),
  );
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    const failure = await done;
    throw moreSpecific(toStorageError(error), failure);
  }
  const failure = await done;
  if (failure !== undefined) throw toStorageError(failure);
  return result;
}

/**
 * When the browser aborts a transaction (a full disk: QuotaExceededError on the transaction), the request
 * `fn` was awaiting fails with a plain AbortError. The transaction's own error names the cause; report that.
 */
function moreSpecific(fromFn: unknown, txFailure: unknown): unknown {
  if (!(fromFn instanceof StorageError) || fromFn.code !== 'Aborted' || txFailure === undefined) return fromFn;
  const cause = toStorageError(txFailure);
  return cause instanceof StorageError && cause.code !== 'Aborted' ? cause : fromFn;
}

/**
 * Issues IndexedDB requests in order, then awaits them all. Where issuing one throws at once (a clone
 * error, a quota failure), the requests already issued are observed, so the abort that follows is not
 * reported as an unhandled rejection, and the first error is rethrown for withTx to roll back.
 */
export async function allRequests(requests: Iterable<() => Promise<unknown>>): Promise<void> {
  const started: Promise<unknown>[] = [];
  try {
    for (const issue of requests) started.push(issue());
  } catch (error) {
    for (const p of started) p.catch(() => undefined);
    throw error;
  }
  await Promise.all(started);
}

/** Deletes a whole database (used for the temporary copy a backup merge reads from). */
export async function deleteKeywardDb(name: string): Promise<void> {
  if (name === DB.name) throw new RangeError('"name" must not be the vault database');
  await deleteDB(name);
}
