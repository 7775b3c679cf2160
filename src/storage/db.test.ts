import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openDB } from 'idb';
import { DB, MIGRATIONS, openKeywardDb, StorageError, toStorageError, withTx, type KeyRow, type Migration, type VersionRow } from './index';
import { diskFullAfter } from '../../test/unit/disk-full';

let n = 0;
const fresh = () => `storage-test-${++n}-${Math.random().toString(36).slice(2)}`;
const bytes = (...b: number[]) => Uint8Array.from(b);
const keyRow = (id: string): KeyRow => ({
  id,
  createdAt: 1,
  updatedAt: 2,
  currentVersion: 1,
  currentOrigin: 'imported',
  currentCompromisedAt: null,
  minVersion: 1,
  keepVersions: 10,
  state: 'active',
  stateChangedAt: 1,
  activationAt: null,
  rotationDays: 90,
  autoRotate: false,
  lastRotatedAt: 1,
  destroyAt: null,
  sealedMeta: bytes(1, 2, 3),
});
const audit = { sealedMacKey: bytes(1), sealedSigningKey: bytes(2), publicKey: {}, head: { seq: 0, mac: new Uint8Array(32) } };
const versionRow = (keyId: string, version: number): VersionRow => ({ keyId, version, createdAt: 1, origin: 'imported', sealedValue: bytes(4, 5), destroyedAt: null, compromisedAt: null });

describe('openKeywardDb', () => {
  it('creates every store of the current schema version', async () => {
    const db = await openKeywardDb({ name: fresh() });
    expect(db.version).toBe(DB.version);
    expect([...db.objectStoreNames].sort()).toEqual(Object.values(DB.stores).sort());
    expect([...db.transaction(DB.stores.grants).store.indexNames].sort()).toEqual(['byKey', 'byPrincipal']);
    db.close();
  });

  it('refuses a database written by a newer version of the app', async () => {
    const name = fresh();
    const newer = await openDB(name, DB.version + 1, { upgrade: (d) => void d.createObjectStore('future') });
    newer.close();
    await expect(openKeywardDb({ name })).rejects.toMatchObject({ code: 'VersionTooNew' });
  });

  it('closes itself and says so when another tab needs a schema upgrade', async () => {
    const name = fresh();
    const onVersionChange = vi.fn();
    const db = await openKeywardDb({ name, onVersionChange });
    const newer = await openDB(name, DB.version + 1); // would be blocked forever if the old connection stayed open
    expect(onVersionChange).toHaveBeenCalledOnce();
    newer.close();
    expect(() => db.transaction(DB.stores.meta)).toThrow();
  });
});

describe('migrations from a seeded older database', () => {
  it('keeps every row when a database of the released version is opened by the current code', async () => {
    const name = fresh();
    const v1 = await openKeywardDb({ name, migrations: MIGRATIONS.slice(0, 1) });
    await v1.put(DB.stores.keys, keyRow('k1'));
    await v1.put(DB.stores.versions, versionRow('k1', 1));
    v1.close();
    const db = await openKeywardDb({ name });
    expect((await db.get(DB.stores.keys, 'k1'))?.sealedMeta).toEqual(bytes(1, 2, 3));
    expect(await db.getAllFromIndex(DB.stores.versions, 'byKey', 'k1')).toHaveLength(1);
    // Version 2 (issue #6) adds the groups and members stores, empty; version 3 (issue #14) the ledger, empty.
    expect(db.version).toBe(3);
    expect([...db.objectStoreNames]).toEqual(expect.arrayContaining([DB.stores.groups, DB.stores.members, DB.stores.ledger]));
    expect(await db.getAll(DB.stores.members)).toEqual([]);
    expect(await db.getAll(DB.stores.ledger)).toEqual([]);
    db.close();
  });

  it('upgrades a seeded version-2 database to version 3 and keeps its users, groups and members', async () => {
    const name = fresh();
    const v2 = await openKeywardDb({ name, migrations: MIGRATIONS.slice(0, 2) });
    await v2.put(DB.stores.keys, keyRow('k2'));
    await v2.put(DB.stores.groups, { id: 'g', createdAt: 1, sealedName: bytes(9), publicKey: { kty: 'EC' } });
    await v2.put(DB.stores.members, { groupId: 'g', userId: 'u', addedAt: 1, epk: bytes(4), sealedPrivateKey: bytes(5) });
    expect(v2.version).toBe(2);
    v2.close();
    const db = await openKeywardDb({ name });
    expect(db.version).toBe(3);
    expect(await db.get(DB.stores.keys, 'k2')).toEqual(keyRow('k2'));
    expect(await db.getAll(DB.stores.members)).toHaveLength(1);
    expect(await db.getAll(DB.stores.ledger)).toEqual([]);
    db.close();
  });

  it('runs only the missing steps, in order, on existing data', async () => {
    const name = fresh();
    const seeded = await openKeywardDb({ name, migrations: MIGRATIONS.slice(0, 1) });
    await seeded.put(DB.stores.meta, { id: 'vault', vaultId: 'v', createdAt: 5, settings: { autoLockMinutes: 15, clipboardClearSeconds: 30 }, audit });
    seeded.close();
    const first = vi.fn(MIGRATIONS[0]!);
    // A next step shaped like a real one: it rewrites existing rows inside the upgrade transaction.
    const next: Migration = (_db, tx) => {
      const store = tx.objectStore(DB.stores.meta);
      void store.get('vault').then((row) => row && store.put({ ...row, settings: { ...row.settings, autoLockMinutes: 5 } }));
    };
    const db = await openKeywardDb({ name, migrations: [first, next] });
    expect(first).not.toHaveBeenCalled();
    expect(db.version).toBe(2);
    expect((await db.get(DB.stores.meta, 'vault'))?.settings.autoLockMinutes).toBe(5);
    db.close();
  });
});

describe('withTx', () => {
  it('opens readwrite transactions with durability "strict" and resolves after commit', async () => {
    const db = await openKeywardDb({ name: fresh() });
    const spy = vi.spyOn(db, 'transaction');
    await withTx(db, [DB.stores.meta], 'readwrite', (tx) => tx.objectStore(DB.stores.meta).put({ id: 'vault', vaultId: 'x', createdAt: 1, settings: { autoLockMinutes: 1, clipboardClearSeconds: 5 }, audit }));
    expect(spy).toHaveBeenCalledWith([DB.stores.meta], 'readwrite', { durability: 'strict' });
    expect(await db.get(DB.stores.meta, 'vault')).toMatchObject({ vaultId: 'x' });
    db.close();
  });

  it('writes nothing when the callback throws halfway', async () => {
    const db = await openKeywardDb({ name: fresh() });
    const boom = new Error('halfway');
    await expect(
      withTx(db, [DB.stores.keys, DB.stores.versions], 'readwrite', async (tx) => {
        await tx.objectStore(DB.stores.keys).put(keyRow('k'));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await db.count(DB.stores.keys)).toBe(0);
    db.close();
  });

  it('turns a constraint failure into StorageError Conflict and rolls back the whole transaction', async () => {
    const db = await openKeywardDb({ name: fresh() });
    const row = versionRow('k', 1);
    await db.add(DB.stores.versions, row);
    await expect(
      withTx(db, [DB.stores.keys, DB.stores.versions], 'readwrite', async (tx) => {
        await tx.objectStore(DB.stores.keys).add(keyRow('k'));
        await tx.objectStore(DB.stores.versions).add(row);
      }),
    ).rejects.toMatchObject({ name: 'StorageError', code: 'Conflict' });
    expect(await db.count(DB.stores.keys)).toBe(0);
    db.close();
  });
});

describe('withTx on a full disk', () => {
  it('reports QuotaExceeded (not a bare abort) when the browser aborts the transaction for quota, and keeps nothing', async () => {
    const db = await openKeywardDb({ name: fresh() });
    const full = diskFullAfter(3);
    const error = await withTx(db, [DB.stores.keys, DB.stores.versions], 'readwrite', async (tx) => {
      await tx.objectStore(DB.stores.keys).put(keyRow('k'));
      for (let v = 1; v <= 5; v++) await tx.objectStore(DB.stores.versions).put(versionRow('k', v));
    }).then(
      () => null,
      (e: unknown) => e,
    );
    vi.restoreAllMocks();
    expect(full.issued).toBe(3);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('QuotaExceeded');
    expect(await db.count(DB.stores.keys)).toBe(0);
    expect(await db.count(DB.stores.versions)).toBe(0);
    db.close();
  });
});

describe('toStorageError', () => {
  it.each([
    ['QuotaExceededError', 'QuotaExceeded'],
    ['ConstraintError', 'Conflict'],
    ['VersionError', 'VersionTooNew'],
    ['AbortError', 'Aborted'],
    ['InvalidStateError', 'Aborted'],
  ])('maps %s to %s', (name, code) => {
    const mapped = toStorageError(new DOMException('x', name));
    expect(mapped).toBeInstanceOf(StorageError);
    expect((mapped as StorageError).code).toBe(code);
  });

  it('passes other errors through', () => {
    const e = new TypeError('x');
    expect(toStorageError(e)).toBe(e);
  });
});
