import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDB } from 'idb';
import { createdVault, PASSWORD, rejectsWith, TEST_ITERATIONS } from '../../test/unit/helpers';
import { diskFullAfter } from '../../test/unit/disk-full';
import { openVault, type KeyInput } from './index';

const STORES = ['meta', 'users', 'keys', 'versions', 'grants', 'audit', 'auditPending'];
const pasted = (i: number): KeyInput => ({ name: `key ${i}`, value: `secret-${i}`, format: 'text', tags: [], notes: '' });

/** Every row of every store, as text: equal before and after means nothing was written. */
async function dump(dbName: string): Promise<string> {
  const db = await openDB(dbName);
  const out: Record<string, unknown[]> = {};
  for (const s of STORES) out[s] = await db.getAll(s);
  db.close();
  return JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
}

afterEach(() => vi.restoreAllMocks());

describe('a full disk in the middle of a large write', () => {
  it('user-key rotation over 60 keys: StorageFull, nothing written, the session and the password still work', async () => {
    const { vault, session, dbName } = await createdVault();
    const keys = [];
    for (let i = 0; i < 60; i++) keys.push(await session.keys.create(pasted(i)));
    const before = await dump(dbName);
    // The user row and 30 of 60 re-wrapped data keys are issued when the browser aborts the transaction.
    diskFullAfter(31);
    await rejectsWith(session.credentials.rotateUserKey(PASSWORD), 'StorageFull');
    vi.restoreAllMocks();
    expect(await dump(dbName)).toBe(before);
    // The session kept the old user key, which is still the stored one: every key opens.
    session.forgetCached();
    expect(await session.keys.reveal(keys[59]!.id)).toBe('secret-59');
    session.lock();
    const again = await vault.unlock({ password: PASSWORD });
    const listed = await again.keys.list();
    expect(listed).toHaveLength(60);
    for (const k of listed) expect(await again.keys.reveal(k.id)).toBe(`secret-${k.name.slice(4)}`);
    expect(await again.audit.verify()).toMatchObject({ ok: true });
  });

  it('a new key: StorageFull, no key row, version, grant or audit entry; the next save chains on', async () => {
    const { session, dbName } = await createdVault();
    await session.keys.create(pasted(1));
    const before = await dump(dbName);
    diskFullAfter(1, 'add');
    await rejectsWith(session.keys.create(pasted(2)), 'StorageFull');
    vi.restoreAllMocks();
    expect(await dump(dbName)).toBe(before);
    await session.keys.create(pasted(3));
    expect((await session.keys.list()).map((k) => k.name).sort()).toEqual(['key 1', 'key 3']);
    expect(await session.audit.verify()).toMatchObject({ ok: true });
  });

  it('opening where IndexedDB refuses to open (some private modes) is NoStorage, not a crash', async () => {
    const open = vi.spyOn(globalThis.indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('The user denied permission to access the database.', 'UnknownError');
    });
    await rejectsWith(openVault({ dbName: 'private-mode', kdfFloor: TEST_ITERATIONS }), 'NoStorage');
    expect(open).toHaveBeenCalled();
  });
});
