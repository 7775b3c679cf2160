// A session whose user key another tab replaced (rotateUserKey, changePassword) must not store a grant
// wrapped under the old key: nobody could open it afterwards. Such writes are refused and the session locks.
import { afterEach, describe, expect, it } from 'vitest';
import { DB, openKeywardDb, setLockManager, withWriteLock, type LockManagerLike } from '../storage';
import { createdVault, FakeClock, PASSWORD, rejectsWith, TEST_ITERATIONS } from '../../test/unit/helpers';
import { FakeLockManager } from '../../test/unit/lock-manager';
import { openVault, type KeyInput, type LockCause, type Session } from './index';

const NEW_PASSWORD = 'a brand new passphrase';
const pasted = (name: string): KeyInput => ({ name, value: `value of ${name}`, format: 'text', tags: [], notes: '' });

afterEach(() => setLockManager(undefined));

/** The test's lock manager, counting requests: a test waits until a tab is queued for the write lock. */
class CountingLocks extends FakeLockManager {
  requested = 0;
  override request<T>(...args: Parameters<LockManagerLike['request']>): Promise<T> {
    this.requested++;
    return super.request(args[0], args[1], args[2] as () => Promise<T>);
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

/** Two tabs of one person: two connections to one database, each with its own session. Tab A holds one key. */
async function twoTabs() {
  const clock = new FakeClock();
  const a = await createdVault(clock);
  const first = await a.session.keys.create(pasted('before'));
  const vaultB = await openVault({ dbName: a.dbName, clock, kdfFloor: TEST_ITERATIONS });
  const b = await vaultB.unlock({ password: PASSWORD });
  const causes: LockCause[] = [];
  a.session.onLock((cause) => causes.push(cause));
  return { a: a.session, b, vault: a.vault, dbName: a.dbName, first, causes, close: () => (a.vault.close(), vaultB.close()) };
}

/** The stores a refused write must leave as they were (the audit log gets the lock entry, written after). */
async function keyStores(dbName: string): Promise<string> {
  const db = await openKeywardDb({ name: dbName });
  try {
    const out: Record<string, unknown[]> = {};
    for (const store of [DB.stores.keys, DB.stores.versions, DB.stores.grants, DB.stores.users, DB.stores.members, DB.stores.groups] as const) out[store] = await db.getAll(store);
    return JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  } finally {
    db.close();
  }
}

/** Unlocks afresh with `password` and opens every key this person holds: every stored grant still opens. */
async function everyKeyOpens(tabs: { vault: { unlock: (i: { password: string }) => Promise<Session> }; dbName: string }, password: string, expected: string[]): Promise<void> {
  const session = await tabs.vault.unlock({ password });
  const keys = await session.keys.list();
  expect(keys.map((k) => k.name).sort()).toEqual([...expected].sort());
  for (const k of keys) expect(await session.keys.reveal(k.id)).toBe(`value of ${k.name}`);
  const db = await openKeywardDb({ name: tabs.dbName });
  try {
    // No grant is left over that this session did not open (one per key, all this owner's).
    expect((await db.getAll(DB.stores.grants)).length).toBe(expected.length);
  } finally {
    db.close();
  }
  await session.lock();
}

describe('a write from a tab whose user key was changed in another tab', () => {
  it('createKey after a user-key rotation elsewhere: refused, nothing written, the tab locks; every grant opens', async () => {
    const tabs = await twoTabs();
    await tabs.b.credentials.rotateUserKey(PASSWORD);
    const before = await keyStores(tabs.dbName);
    await rejectsWith(tabs.a.keys.create(pasted('lost?')), 'Locked');
    expect(tabs.a.locked).toBe(true);
    expect(tabs.causes).toEqual(['rekeyed']);
    expect(await keyStores(tabs.dbName)).toBe(before);
    await everyKeyOpens(tabs, PASSWORD, ['before']);
    // The other tab goes on, and its log (with tab A's lock entry) verifies.
    await tabs.b.keys.create(pasted('from B'));
    expect(await tabs.b.audit.verify()).toMatchObject({ ok: true });
    const locks = await tabs.b.audit.report({ actions: ['lock'] });
    expect(locks.page.map((e) => e.details)).toContainEqual(expect.objectContaining({ why: 'the user key was changed in another tab' }));
    expect((await tabs.b.audit.report({ actions: ['key.create'] })).total).toBe(2); // "before" and "from B", not "lost?"
    tabs.close();
  });

  it('generated and imported typed keys after a password change elsewhere: refused; the new password opens everything', async () => {
    const tabs = await twoTabs();
    const c = await tabs.vault.unlock({ password: PASSWORD });
    await tabs.b.credentials.changePassword(PASSWORD, NEW_PASSWORD);
    const before = await keyStores(tabs.dbName);
    await rejectsWith(tabs.a.keys.generate({ name: 'hmac', tags: [], notes: '', algorithm: { kind: 'hmac', hash: 'SHA-256' } }), 'Locked');
    expect(tabs.a.locked).toBe(true);
    await rejectsWith(c.keys.import({ name: 'imported', tags: [], notes: '', algorithm: { kind: 'hmac', hash: 'SHA-256' }, text: 'ab'.repeat(32) }), 'Locked');
    expect(c.locked).toBe(true);
    expect(await keyStores(tabs.dbName)).toBe(before);
    await everyKeyOpens(tabs, NEW_PASSWORD, ['before']);
    tabs.close();
  });

  it('a restore or merge (importRecords) after a rotation elsewhere: refused, nothing replaced', async () => {
    const tabs = await twoTabs();
    const dumps = await tabs.a.backup.dump('test');
    await tabs.b.credentials.rotateUserKey(PASSWORD);
    const before = await keyStores(tabs.dbName);
    await rejectsWith(tabs.a.backup.importRecords({ add: [], replace: dumps }, { mode: 'merge' }), 'Locked');
    expect(tabs.a.locked).toBe(true);
    expect(await keyStores(tabs.dbName)).toBe(before);
    await everyKeyOpens(tabs, PASSWORD, ['before']);
    tabs.close();
  });

  it('granting and revoking (which re-keys, re-wrapping your own grant) after a rotation elsewhere: refused', async () => {
    const tabs = await twoTabs();
    const bo = await tabs.a.directory.addUser({ name: 'Bo', password: 'one-time password 1', role: 'member' });
    await tabs.a.access.grant(tabs.first.id, bo.id, 'use');
    await tabs.b.credentials.rotateUserKey(PASSWORD);
    const before = await keyStores(tabs.dbName);
    await rejectsWith(tabs.a.access.grant(tabs.first.id, bo.id, 'manage'), 'Locked');
    expect(tabs.a.locked).toBe(true);
    expect(await keyStores(tabs.dbName)).toBe(before);
    // A second stale tab tries the revoke (the re-key wraps the key again under its old user key).
    const c = await tabs.vault.unlock({ password: PASSWORD });
    await tabs.b.credentials.changePassword(PASSWORD, NEW_PASSWORD);
    const before2 = await keyStores(tabs.dbName);
    await rejectsWith(c.access.revoke(tabs.first.id, bo.id), 'Locked');
    expect(c.locked).toBe(true);
    expect(await keyStores(tabs.dbName)).toBe(before2);
    const session = await tabs.vault.unlock({ password: NEW_PASSWORD });
    expect(await session.keys.reveal(tabs.first.id)).toBe('value of before');
    expect((await session.access.list(tabs.first.id)).map((g) => [g.name, g.permission]).sort()).toEqual([
      ['Ada', 'owner'],
      ['Bo', 'use'],
    ]);
    tabs.close();
  });

  it('a password change made in this tab keeps this tab writing (its own new wrapping is the stored one)', async () => {
    const tabs = await twoTabs();
    await tabs.a.credentials.changePassword(PASSWORD, NEW_PASSWORD);
    await tabs.a.keys.create(pasted('after my change'));
    await tabs.a.credentials.rotateUserKey(NEW_PASSWORD);
    await tabs.a.keys.create(pasted('after my rotation'));
    expect(tabs.a.locked).toBe(false);
    // Tab B opened the old wrapping: its writes are the ones refused now.
    await rejectsWith(tabs.b.keys.create(pasted('stale B')), 'Locked');
    await everyKeyOpens(tabs, NEW_PASSWORD, ['before', 'after my change', 'after my rotation']);
    tabs.close();
  });

  it('a password change in a tab whose user key was rotated elsewhere is refused (it would keep the old key)', async () => {
    const tabs = await twoTabs();
    await tabs.b.credentials.rotateUserKey(PASSWORD);
    await rejectsWith(tabs.a.credentials.changePassword(PASSWORD, NEW_PASSWORD), 'Locked');
    await everyKeyOpens(tabs, PASSWORD, ['before']);
    tabs.close();
  });

  it('a create already authorized and queued behind the rotation is refused inside its transaction', async () => {
    const locks = new CountingLocks();
    setLockManager(locks);
    const tabs = await twoTabs();
    // Hold the write lock, so both tabs queue: the rotation first, then tab A's create (checked and prepared
    // while the old user key was still the stored one).
    let release!: () => void;
    const holding = withWriteLock(tabs.dbName, () => new Promise<void>((resolve) => (release = resolve)));
    const n = locks.requested;
    const rotation = tabs.b.credentials.rotateUserKey(PASSWORD);
    await until(() => locks.requested === n + 1);
    const create = tabs.a.keys.create(pasted('queued'));
    await until(() => locks.requested === n + 2);
    release();
    await holding;
    await rotation;
    await rejectsWith(create, 'Locked');
    expect(tabs.a.locked).toBe(true);
    expect(tabs.causes).toEqual(['rekeyed']);
    await everyKeyOpens(tabs, PASSWORD, ['before']);
    tabs.close();
  });

  it('any operation after a rotation elsewhere locks the tab with that reason (not a decryption failure)', async () => {
    const tabs = await twoTabs();
    await tabs.b.credentials.rotateUserKey(PASSWORD);
    // What a "changed" message from the other tab does: the next read opens the re-wrapped grants.
    tabs.a.forgetCached();
    await rejectsWith(tabs.a.keys.list(), 'Locked');
    expect(tabs.causes).toEqual(['rekeyed']);
    tabs.close();
  });

  it('creates racing a rotation in another tab: whatever the order, every stored grant opens afterwards', async () => {
    setLockManager(new FakeLockManager());
    const tabs = await twoTabs();
    const names = ['r1', 'r2', 'r3', 'r4'];
    const results = await Promise.allSettled([...names.map((n) => tabs.a.keys.create(pasted(n))), tabs.b.credentials.rotateUserKey(PASSWORD)]);
    const created = names.filter((_, i) => results[i]!.status === 'fulfilled');
    for (const r of results.slice(0, names.length)) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toMatch(/^(Locked|ChangedElsewhere)$/);
    await everyKeyOpens(tabs, PASSWORD, ['before', ...created]);
    tabs.close();
  });
});
