// Node-side helpers for end-to-end tests that need a large vault or need to read what the browser stored:
// the app's own vault layer runs in Node over fake-indexeddb (as in the unit tests).
import 'fake-indexeddb/auto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { DB, openKeywardDb } from '../../src/storage';
import { openVault, type KeyDump, type KeyId } from '../../src/vault';
import { utf8Decode, utf8Encode } from '../../src/crypto';

/** The vault's stores as the browser holds them; bytes travel as { $bytes: number[] }. */
export type StoreDump = Record<string, unknown[]>;

let counter = 0;
const dbName = (what: string) => `e2e-${what}-${process.pid}-${++counter}`;

/** The value every seeded key holds, derived from its name, so a check needs no table. */
export const seededValue = (name: string): string => `value-of-${name}-Zq7`;

/**
 * A backup file of a vault holding `count` secrets named `${prefix} 0001`…, made in Node with the app's vault
 * layer (one import transaction, then "Export backup"). The vault password is `password`.
 */
export async function makeBackupFile(options: { count: number; prefix: string; password: string; backupPassword: string }): Promise<{ path: string; names: string[] }> {
  const name = dbName('seed');
  const vault = await openVault({ dbName: name });
  const session = await vault.create({ ownerName: 'Seeded Owner', password: options.password, iterations: 600_000 });
  const now = Date.now();
  const names = Array.from({ length: options.count }, (_, i) => `${options.prefix} ${String(i + 1).padStart(4, '0')}`);
  const dumps: KeyDump[] = names.map((keyName, i) => {
    const id = `seed${String(i).padStart(6, '0')}${options.prefix.replace(/\W/g, '')}`;
    return {
      row: { id, createdAt: now, updatedAt: now, currentVersion: 1, currentOrigin: 'imported', currentCompromisedAt: null, minVersion: 1, keepVersions: 10, state: 'active', stateChangedAt: now, activationAt: null, rotationDays: 90, autoRotate: false, lastRotatedAt: now, destroyAt: null },
      meta: { kind: 'secret', name: keyName, format: 'text', tags: ['seeded'], notes: '', algorithm: null, recipe: null, hasPrivate: true, compromiseReason: null, history: [{ at: now, actor: session.user.id, action: 'created', to: 'active', version: 1 }] },
      versions: [{ keyId: id, version: 1, createdAt: now, origin: 'imported', destroyedAt: null, compromisedAt: null, material: utf8Encode(seededValue(keyName)) }],
    };
  });
  await session.backup.importRecords({ add: dumps, replace: [] }, { seeded: options.count });
  const { filename, bytes } = await session.backup.export({ password: options.backupPassword });
  await session.lock();
  vault.close();
  const dir = await mkdtemp(join(tmpdir(), 'keyward-e2e-'));
  const path = join(dir, filename);
  await writeFile(path, bytes);
  return { path, names };
}

/** Every row of every store of the app's database in `page` (read-only; bytes encoded for the trip to Node). */
export async function dumpBrowserVault(page: Page): Promise<StoreDump> {
  return page.evaluate(async (stores) => {
    const encode = (v: unknown): unknown => {
      if (v instanceof Uint8Array) return { $bytes: Array.from(v) };
      if (Array.isArray(v)) return v.map(encode);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
      return v;
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('keyward');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const out: Record<string, unknown[]> = {};
    const tx = db.transaction(stores, 'readonly');
    await Promise.all(
      stores.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            const request = tx.objectStore(s).getAll();
            request.onsuccess = () => {
              out[s] = (request.result as unknown[]).map(encode);
              resolve();
            };
            request.onerror = () => reject(request.error);
          }),
      ),
    );
    db.close();
    return out;
  }, Object.values(DB.stores) as string[]);
}

const decode = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const bytes = (v as { $bytes?: unknown }).$bytes;
    if (Array.isArray(bytes)) return Uint8Array.from(bytes as number[]);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
};

/**
 * Opens a copy of the browser's stored vault in Node with the app's vault layer and decrypts everything:
 * every key's metadata and every version's material. Returns name → current value, and the chain check.
 */
export async function decryptAll(dump: StoreDump, password: string): Promise<{ values: Map<string, string>; logOk: boolean; keyIds: string[] }> {
  const name = dbName('copy');
  const db = await openKeywardDb({ name });
  const tx = db.transaction(Object.values(DB.stores), 'readwrite');
  for (const [store, rows] of Object.entries(dump)) for (const row of rows) void tx.objectStore(store as never).put(decode(row) as never);
  await tx.done;
  db.close();
  const vault = await openVault({ dbName: name });
  const session = await vault.unlock({ password });
  const records = await session.backup.dump('e2e crash check');
  const values = new Map<string, string>();
  for (const r of records) {
    const current = r.versions.find((v) => v.version === r.row.currentVersion);
    if (!current?.material) throw new Error(`key ${r.row.id} has no current material`);
    values.set(r.meta.name, utf8Decode(current.material));
  }
  const logOk = (await session.audit.verify()).ok;
  const keyIds = records.map((r) => r.row.id as KeyId as string).sort();
  await session.lock();
  vault.close();
  return { values, logOk, keyIds };
}
