// Owns the connection and the one transaction helper: open with migrations, write with durability 'strict'.

import { deleteDB, openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { StorageError, toStorageError } from './errors';
import { MIGRATIONS, type Migration } from './migrations';
import { DB, type KeywardSchema, type StoreName } from './schema';

export type KeywardDb = IDBPDatabase<KeywardSchema>;

export interface OpenOptions {
  /** Database name; tests use a fresh one each. */
  name?: string;
  /** Migration steps; tests pass a prefix to seed an older database. Defaults to every released step. */
  migrations?: readonly Migration[];
  /** Another tab wants a newer version: this connection is closed, and this is called to tell the person. */
  onVersionChange?: () => void;
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
      blocking() {
        // ARCHITECTURE.md §3: an old tab must not hold up a schema upgrade; close and let the UI ask for a reload.
        db.close();
        options.onVersionChange?.();
      },
    });
  } catch (error) {
    const mapped = toStorageError(error);
    if (mapped instanceof StorageError) throw mapped;
    throw new StorageError('Unavailable', 'the database could not be opened', { cause: error });
  }
  return db;
}

export type Tx<S extends StoreName[], M extends IDBTransactionMode> = IDBPTransaction<KeywardSchema, S, M>;

/**
 * Runs `fn` in one transaction and resolves only after it has committed (`tx.done`).
 * `fn` may await IndexedDB requests only (ARCHITECTURE.md §3): encrypt before calling withTx.
 * If `fn` throws, the transaction is aborted and nothing it wrote is kept.
 */
export async function withTx<S extends StoreName[], M extends IDBTransactionMode, T>(
  db: KeywardDb,
  stores: S,
  mode: M,
  fn: (tx: Tx<S, M>) => Promise<T> | T,
): Promise<T> {
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
    await done;
    throw toStorageError(error);
  }
  const failure = await done;
  if (failure !== undefined) throw toStorageError(failure);
  return result;
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
