import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { DB, openKeywardDb, setLockManager, withTx } from '../storage';
import { createdVault, dumpDb, FakeClock, freshDbName, PASSWORD, rejectsWith, TEST_ITERATIONS } from '../../test/unit/helpers';
import { FakeLockManager } from '../../test/unit/lock-manager';
import { openVault, TabSync, type KeyInput, type TabMessage } from './index';

const pasted = (name: string): KeyInput => ({ name, value: `value of ${name}`, format: 'text', tags: [], notes: '' });

afterEach(() => setLockManager(undefined));

/** Two tabs: two connections to one database, each with its own session of the same person. */
async function twoTabs() {
  const clock = new FakeClock();
  const a = await createdVault(clock);
  const vaultB = await openVault({ dbName: a.dbName, clock, kdfFloor: TEST_ITERATIONS });
  const b = await vaultB.unlock({ password: PASSWORD });
  return { a: a.session, b, dbName: a.dbName, close: () => (a.vault.close(), vaultB.close()) };
}

describe('writes from several tabs', () => {
  it('are serialized by the write lock: many concurrent writes from two tabs all land and the chain verifies', async () => {
    const locks = new FakeLockManager();
    setLockManager(locks);
    const tabs = await twoTabs();
    const names = Array.from({ length: 12 }, (_, i) => [`A${i}`, `B${i}`]).flat();
    // Fired together, as two people clicking "Save" in two windows at once.
    const results = await Promise.allSettled(names.map((name) => (name.startsWith('A') ? tabs.a : tabs.b).keys.create(pasted(name))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(locks.overlaps).toBe(0);
    tabs.a.forgetCached();
    expect((await tabs.a.keys.list()).map((k) => k.name).sort()).toEqual([...names].sort());
    expect(await tabs.a.audit.verify()).toMatchObject({ ok: true });
    expect(await tabs.b.audit.verify()).toMatchObject({ ok: true });
    tabs.close();
  });

  it('reloadSettings() gives a tab the settings another tab saved', async () => {
    const tabs = await twoTabs();
    await tabs.a.settings.update({ autoLockMinutes: 3, clipboardClearSeconds: 45 });
    expect(tabs.b.settings.current()).not.toEqual({ autoLockMinutes: 3, clipboardClearSeconds: 45 });
    expect(await tabs.b.settings.reload()).toEqual({ autoLockMinutes: 3, clipboardClearSeconds: 45 });
    expect(tabs.b.settings.current()).toEqual({ autoLockMinutes: 3, clipboardClearSeconds: 45 });
    await tabs.b.lock();
    await expect(tabs.b.settings.reload()).rejects.toMatchObject({ code: 'Locked' });
    tabs.close();
  });

  it('forgetCached() makes a tab read what another tab wrote', async () => {
    const tabs = await twoTabs();
    expect(await tabs.a.keys.list()).toEqual([]);
    await tabs.b.keys.create(pasted('from B'));
    expect(await tabs.a.keys.list()).toEqual([]); // still the decrypted copy from before
    tabs.a.forgetCached();
    const keys = await tabs.a.keys.list();
    expect(keys.map((k) => k.name)).toEqual(['from B']);
    expect(await tabs.a.keys.reveal(keys[0]!.id)).toBe('value of from B');
    tabs.close();
  });
});

describe('a change made from a copy another tab has changed since', () => {
  // Tab A holds the key as it read it; tab B renames it. Each write of A's below is refused in its
  // transaction (the stored sealed metadata is not the one A read), the same way, and writes nothing.
  async function renamedElsewhere() {
    const tabs = await twoTabs();
    const key = await tabs.a.keys.create(pasted('shared'));
    const bo = await tabs.a.directory.addUser({ name: 'Bo', password: 'one-time password 1', role: 'member' });
    await tabs.a.keys.get(key.id);
    tabs.b.forgetCached();
    await tabs.b.keys.update(key.id, { name: 'renamed in B' });
    return { ...tabs, key, bo };
  }

  async function refusedUnchanged(tabs: { dbName: string }, write: Promise<unknown>): Promise<void> {
    const before = JSON.parse(await dumpDb(tabs.dbName)) as Record<string, unknown>;
    const error = await write.then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'ChangedElsewhere', message: 'the key was changed elsewhere (another tab?); reload and try again' });
    const after = JSON.parse(await dumpDb(tabs.dbName)) as Record<string, unknown>;
    // Only the audit log may differ: nothing of the change was written, and no entry for it either.
    for (const store of ['keys', 'versions', 'grants', 'users', 'groups', 'members']) expect(after[store], store).toEqual(before[store]);
    expect(after['audit']).toEqual(before['audit']);
  }

  it('an edit or a rotation (the key commit)', async () => {
    const tabs = await renamedElsewhere();
    await refusedUnchanged(tabs, tabs.a.keys.update(tabs.key.id, { notes: 'from A' }));
    await refusedUnchanged(tabs, tabs.a.lifecycle.rotate(tabs.key.id, { value: 'new value' }));
    // Reloaded, tab A changes the key as B left it.
    tabs.a.forgetCached();
    expect((await tabs.a.keys.update(tabs.key.id, { notes: 'from A' })).name).toBe('renamed in B');
    tabs.close();
  });

  it('a first "view" grant (which moves the metadata under a meta key)', async () => {
    const tabs = await renamedElsewhere();
    await refusedUnchanged(tabs, tabs.a.access.grant(tabs.key.id, tabs.bo.id, 'view'));
    tabs.close();
  });

  it('a revoke that re-keys', async () => {
    const tabs = await renamedElsewhere();
    await tabs.b.access.grant(tabs.key.id, tabs.bo.id, 'use');
    // The grant table changed, not the key row: tab A still holds its copy of the key.
    await refusedUnchanged(tabs, tabs.a.access.revoke(tabs.key.id, tabs.bo.id));
    await rejectsWith(tabs.a.access.revoke(tabs.key.id, 'nobody'), 'NotFound');
    tabs.close();
  });
});

describe('TabSync', () => {
  /** The other tab's end of the channel. */
  function otherTab(dbName: string) {
    const channel = new BroadcastChannel(`keyward:${dbName}`);
    const received: unknown[] = [];
    let wake: () => void = () => undefined;
    channel.onmessage = (event) => {
      received.push(event.data);
      wake();
    };
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    return { channel, received, next };
  }

  it('announces every committed write of its database, with the stores it changed', async () => {
    const dbName = freshDbName();
    const sync = new TabSync({ dbName });
    const other = otherTab(dbName);
    const db = await openKeywardDb({ name: dbName });
    const heard = other.next();
    await withTx(db, [DB.stores.auditPending], 'readwrite', (tx) => tx.objectStore(DB.stores.auditPending).add({ at: 1, userId: 'u', action: 'unlock.failed', client: 'c' }));
    await heard;
    expect(other.received).toEqual([{ type: 'changed', stores: ['auditPending'] }]);
    // A write that fails is not announced; a write to another database (a merge's temporary copy) neither.
    await withTx(db, [DB.stores.keys], 'readwrite', () => Promise.reject(new Error('no'))).catch(() => undefined);
    const tmp = await openKeywardDb({ name: freshDbName() });
    await withTx(tmp, [DB.stores.auditPending], 'readwrite', (tx) => tx.objectStore(DB.stores.auditPending).add({ at: 1, userId: 'u', action: 'unlock.failed', client: 'c' }));
    const heardLock = other.next();
    sync.announce({ type: 'lock' });
    await heardLock;
    expect(other.received).toEqual([{ type: 'changed', stores: ['auditPending'] }, { type: 'lock' }]);
    sync.close();
    other.channel.close();
    db.close();
    tmp.close();
  });

  it('hands checked messages from other tabs to its listeners and drops anything malformed', async () => {
    const dbName = freshDbName();
    const sync = new TabSync({ dbName });
    const got: TabMessage[] = [];
    let wake: () => void = () => undefined;
    sync.listen((m) => {
      got.push(m);
      wake();
    });
    const other = new BroadcastChannel(`keyward:${dbName}`);
    for (const junk of [null, 'lock', { type: 'unlock' }, { type: 'changed', stores: ['keys', '__proto__'] }, { type: 'changed', stores: 'keys' }]) other.postMessage(junk);
    const heard = new Promise<void>((resolve) => (wake = resolve));
    other.postMessage({ type: 'changed', stores: ['keys', 'audit'] });
    await heard;
    const heardLock = new Promise<void>((resolve) => (wake = resolve));
    other.postMessage({ type: 'lock' });
    await heardLock;
    expect(got).toEqual([{ type: 'changed', stores: ['keys', 'audit'] }, { type: 'lock' }]);
    sync.close();
    other.close();
  });
});
