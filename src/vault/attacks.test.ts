// Integrity (issue #14), tried as the attacker would: each test writes the forged row or keeps the stolen key itself,
// through the storage layer and the crypto functions anyone with devtools has, then shows the attack yields nothing
// and the vault still opens.
import { describe, expect, it } from 'vitest';
import { addAndSignIn, ONE_TIME, OWN } from '../../test/unit/sign-in';
import { createdVault, FakeClock, newVault, PASSWORD, rejectsWith, TEST_ITERATIONS } from '../../test/unit/helpers';
import { contextAad, open, seal, utf8Decode, utf8Encode, type DataKey } from '../crypto';
import { DB, openKeywardDb, withTx } from '../storage';
import { aad } from './context';
import { openAsMember, openGrant, openUserPrivate } from './principals';
import { openUserKey } from './user-keys';
import type { KeyId, Role, UserId } from './types';
import type { Session, Vault } from '.';

const S = DB.stores;
const BACKUP_PW = 'backup passphrase 42';

async function rows<N extends 'grants' | 'users' | 'keys' | 'versions' | 'members' | 'auditPending'>(dbName: string, store: N) {
  const db = await openKeywardDb({ name: dbName });
  try {
    return await db.getAll(store);
  } finally {
    db.close();
  }
}

/** What a user can take out of storage with their own password: every data key their own rows open (extractable). */
async function stealDeks(dbName: string, userId: string, password: string): Promise<Map<string, DataKey>> {
  const me = (await rows(dbName, 'users')).find((u) => u.id === userId)!;
  const { userKey } = await openUserKey(me, password);
  const privateKey = await openUserPrivate(userId, userKey, me.sealedPrivateKey!);
  const self = { id: userId, publicKey: me.publicKey!, privateKey };
  const principals = new Map([[userId, self]]);
  const db = await openKeywardDb({ name: dbName });
  try {
    for (const m of (await db.getAll(S.members)).filter((x) => x.userId === userId)) {
      const group = await db.get(S.groups, m.groupId);
      if (group) principals.set(group.id, { id: group.id, publicKey: group.publicKey, privateKey: await openAsMember(m, self, true) });
    }
    const out = new Map<string, DataKey>();
    for (const g of await db.getAll(S.grants)) {
      const p = principals.get(g.principalId);
      if (!p || g.wrappedDek === null) continue;
      const { dek } = await openGrant(g, userKey, p, true);
      if (dek) out.set(g.keyId, dek);
    }
    return out;
  } finally {
    db.close();
  }
}

/** Whether `dek` opens the newest version of key `id` as stored now. */
async function opensNewest(dbName: string, id: string, dek: DataKey): Promise<boolean> {
  const versions = (await rows(dbName, 'versions')).filter((v) => v.keyId === id && v.sealedValue !== null).sort((a, b) => b.version - a.version);
  const newest = versions[0]!;
  return open(dek, newest.sealedValue!, aad.value(id, newest.version)).then(
    () => true,
    () => false,
  );
}

describe('removal re-keys (issue #14, attack 5)', () => {
  it('a removed user who kept the data key reads nothing written after the removal', async () => {
    const { vault, session, dbName } = await createdVault();
    const pasted = await session.keys.create({ name: 'Stripe', value: 'sk_live_before', format: 'text', tags: [], notes: '' });
    const generated = await session.keys.create({ name: 'Webhook', value: 'ab'.repeat(32), format: 'hex', tags: [], notes: '', recipe: { bytes: 32, format: 'hex' } });
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    await session.access.grant(pasted.id, bob.id, 'use');
    await session.access.grant(generated.id, bob.id, 'use');
    const stolen = await stealDeks(dbName, bob.id, OWN);
    expect(stolen.size).toBe(2);
    await bob.session.lock();

    const result = await session.directory.removeUser(bob.id);
    expect(result).toMatchObject({ keysRekeyed: 2, keysNotRekeyed: 0, keysRotated: 1 });
    // The generated key was rotated at once; the pasted one gets its new value from its provider later.
    await session.lifecycle.rotate(pasted.id, { value: 'sk_live_after' });
    for (const [id, dek] of stolen) expect(await opensNewest(dbName, id, dek), `key ${id}`).toBe(false);
    // Every version, old ones included, is sealed under the new data key.
    const v1 = (await rows(dbName, 'versions')).find((v) => v.keyId === pasted.id && v.version === 1)!;
    await expect(open(stolen.get(pasted.id)!, v1.sealedValue!, aad.value(pasted.id, 1))).rejects.toThrow();
    expect(await session.keys.reveal(pasted.id)).toBe('sk_live_after');
    expect(await session.keys.reveal(pasted.id, 1)).toBe('sk_live_before');
    await session.lock();
    expect((await (await vault.unlock({ password: PASSWORD })).keys.list()).length).toBe(2);
  });

  it('a member removed from a group who kept the group key reads nothing granted to the group after', async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'Stripe', value: 'sk_live_before', format: 'text', tags: [], notes: '' });
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    const carol = await addAndSignIn(vault, session, 'Carol', 'member');
    const group = await session.directory.createGroup('payments', [bob.id, carol.id]);
    await session.access.grant(key.id, group.id, 'use');
    const stolen = await stealDeks(dbName, bob.id, OWN);
    expect(stolen.has(key.id)).toBe(true);

    await session.directory.removeMember(group.id, bob.id);
    await session.lifecycle.rotate(key.id, { value: 'sk_live_after' });
    expect(await opensNewest(dbName, key.id, stolen.get(key.id)!)).toBe(false);
    // Carol, who stays, still opens it (her group's grant was wrapped again for the group's new key pair).
    await carol.session.lock();
    expect(await (await vault.unlock({ userId: carol.id, password: OWN })).keys.reveal(key.id)).toBe('sk_live_after');
  });

  it('keys the admin cannot open are counted, not lost', async () => {
    const { vault, session } = await createdVault();
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    const dave = await addAndSignIn(vault, session, 'Dave', 'member');
    const theirs = await dave.session.keys.create({ name: 'Dave only', value: 'dave-1', format: 'text', tags: [], notes: '' });
    await dave.session.access.grant(theirs.id, bob.id, 'use');
    const result = await session.directory.removeUser(bob.id);
    expect(result).toMatchObject({ keysRekeyed: 0, keysNotRekeyed: 1 });
    expect(await dave.session.keys.reveal(theirs.id)).toBe('dave-1');
  });
});

describe('merging backups (issue #14, attack 4 and the merge findings)', () => {
  it('merging a backup that holds a key shared for "view" leaves every key readable', async () => {
    const clock = new FakeClock();
    const src = await createdVault(clock);
    const key = await src.session.keys.create({ name: 'Shared', value: 'shared-1', format: 'text', tags: [], notes: '' });
    const auditor = await addAndSignIn(src.vault, src.session, 'Ann', 'auditor');
    await src.session.access.grant(key.id, auditor.id, 'view');
    const { bytes } = await src.session.backup.export({ password: BACKUP_PW });

    const dst = await createdVault(clock);
    await dst.session.keys.create({ name: 'Mine', value: 'mine-1', format: 'text', tags: [], notes: '' });
    const merge = await dst.vault.previewMerge(dst.session, bytes, BACKUP_PW, PASSWORD);
    await merge.apply({});
    await dst.session.lock();
    const again = await dst.vault.unlock({ password: PASSWORD });
    const listed = await again.keys.list();
    expect(listed.map((k) => k.name).sort()).toEqual(['Mine', 'Shared']);
    expect(await again.keys.reveal(listed.find((k) => k.name === 'Shared')!.id)).toBe('shared-1');
  });

  it('"take the backup\'s" on a key held only for "use" is refused: the merge cannot make its admin the owner', async () => {
    const clock = new FakeClock();
    const { vault, session, dbName } = await createdVault(clock);
    const carl = await addAndSignIn(vault, session, 'Carl', 'admin');
    const key = await session.keys.create({ name: 'Owned by Ada', value: 'ada-1', format: 'text', tags: [], notes: '' });
    await session.access.grant(key.id, carl.id, 'use');
    const { bytes } = await carl.session.backup.export({ password: BACKUP_PW });
    await session.lifecycle.rotate(key.id, { value: 'ada-2' });
    carl.session.forgetCached(); // as the other tab's "changed" message does
    // Carl knows the password of the vault the backup holds (a copy he made): the file is his to merge.
    const merge = await vault.previewMerge(carl.session, bytes, BACKUP_PW, PASSWORD);
    expect(merge.plan.conflicts.map((c) => c.id)).toEqual([key.id]);
    const before = await rows(dbName, 'grants');
    await rejectsWith(merge.apply({ [key.id]: 'take-backup' }), 'AccessDenied');
    expect(await rows(dbName, 'grants')).toEqual(before);
    expect(await session.keys.reveal(key.id)).toBe('ada-2');
  });

  it('"take the backup\'s" by a manager keeps everyone else\'s access', async () => {
    const clock = new FakeClock();
    const { vault, session } = await createdVault(clock);
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    const key = await session.keys.create({ name: 'Shared', value: 'v-1', format: 'text', tags: [], notes: '' });
    await session.access.grant(key.id, bob.id, 'use');
    const { bytes } = await session.backup.export({ password: BACKUP_PW });
    await session.lifecycle.rotate(key.id, { value: 'v-2' });
    const merge = await vault.previewMerge(session, bytes, BACKUP_PW, PASSWORD);
    await merge.apply({ [key.id]: 'take-backup' });
    expect(await session.keys.reveal(key.id)).toBe('v-1');
    await bob.session.lock();
    expect(await (await vault.unlock({ userId: bob.id, password: OWN })).keys.reveal(key.id)).toBe('v-1');
  });

  it('a key row whose id Keyward never makes (e.g. "audit") is left out and reported; the vault opens', async () => {
    const clock = new FakeClock();
    const src = await createdVault(clock);
    const key = await src.session.keys.create({ name: 'K', value: 'k-1', format: 'text', tags: [], notes: '' });
    // The attacker renames the key's rows to id "audit", whose DEK wrapping AAD equals the audit key's.
    const db = await openKeywardDb({ name: src.dbName });
    await withTx(db, [S.keys, S.versions, S.grants], 'readwrite', async (tx) => {
      const row = (await tx.objectStore(S.keys).get(key.id))!;
      const version = (await tx.objectStore(S.versions).get([key.id, 1]))!;
      const grant = (await tx.objectStore(S.grants).get([key.id, src.session.user.id]))!;
      await tx.objectStore(S.keys).delete(key.id);
      await tx.objectStore(S.versions).delete([key.id, 1]);
      await tx.objectStore(S.grants).delete([key.id, src.session.user.id]);
      await tx.objectStore(S.keys).put({ ...row, id: 'audit' });
      await tx.objectStore(S.versions).put({ ...version, keyId: 'audit' });
      await tx.objectStore(S.grants).put({ ...grant, keyId: 'audit' });
    });
    db.close();
    await src.session.lock();
    const s = await src.vault.unlock({ password: PASSWORD });
    // The row with a forged id is left out (its envelopes do not open under that id anyway); the vault opens.
    expect(await s.keys.list()).toEqual([]);
    expect(s.keys.unreadable()).toEqual([{ id: 'audit', why: 'an id Keyward never makes' }]);
    await s.keys.create({ name: 'After', value: 'a-1', format: 'text', tags: [], notes: '' });
    const reported = (await s.audit.report({ actions: ['integrity.failed'] })).page[0];
    expect(reported?.details).toMatchObject({ store: 'keys', ids: ['audit'] });
  });
});

describe('pending audit rows (issue #14, attack 6)', () => {
  async function forgePending(dbName: string, rowsToAdd: Record<string, unknown>[]): Promise<void> {
    const db = await openKeywardDb({ name: dbName });
    await withTx(db, [S.auditPending], 'readwrite', async (tx) => {
      for (const r of rowsToAdd) await tx.objectStore(S.auditPending).add(r as never);
    });
    db.close();
  }

  it('a forged pending row is not folded in as an authentic entry; it is reported as tampering', async () => {
    const { vault, session, dbName, clock } = await createdVault();
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    await bob.session.lock();
    await session.lock();
    const t = clock.ms + 30 * 60_000;
    clock.advance(60 * 60_000);
    await forgePending(dbName, [
      { at: t, userId: bob.id, action: 'key.destroy', client: 'x' },
      { at: 'yesterday', userId: bob.id, action: 'unlock.failed', client: 'x' },
      { at: t, userId: 'no-such-user', action: 'unlock.failed', client: 'x' },
      { at: Date.UTC(2099, 0, 1), userId: bob.id, action: 'unlock.failed', client: 'x' },
      { at: t, userId: bob.id, action: 'unlock.failed', client: 'Firefox on Linux' },
    ]);
    const s = await vault.unlock({ password: PASSWORD });
    const report = await s.audit.report({});
    const actions = report.page.map((e) => e.action);
    expect(actions).not.toContain('key.destroy');
    expect(report.page.filter((e) => e.action === 'unlock.failed').length).toBe(1);
    const tamper = report.page.find((e) => e.action === 'integrity.failed');
    expect(tamper?.outcome).toBe('failed');
    expect(tamper?.details).toMatchObject({ store: 'auditPending', refused: 4 });
    expect(await rows(dbName, 'auditPending')).toEqual([]);
    expect((await s.audit.verify()).ok).toBe(true);
    // Exports and archives work (a non-numeric time made them throw forever).
    await s.audit.export({}, 'json');
  });

  it('a flood of pending rows does not stall unlock: at most the cap is read, the rest reported and dropped', async () => {
    const { vault, session, dbName, clock } = await createdVault();
    await session.lock();
    clock.advance(60 * 60_000);
    await forgePending(dbName, Array.from({ length: 3000 }, (_, i) => ({ at: clock.ms - 3000 + i, userId: session.user.id, action: 'unlock.failed', client: 'x' })));
    const s = await vault.unlock({ password: PASSWORD });
    const report = await s.audit.report({ actions: ['unlock.failed'] });
    expect(report.total).toBeLessThanOrEqual(1000);
    const tamper = (await s.audit.report({ actions: ['integrity.failed'] })).page[0];
    expect(tamper?.details).toMatchObject({ store: 'auditPending', dropped: 2000 });
    expect(await rows(dbName, 'auditPending')).toEqual([]);
  });
});

void TEST_ITERATIONS;
void newVault;
void ({} as KeyId);

describe('new users own their keys (issue #14, attack 3)', () => {
  it('the admin who knew the one-time password opens nothing granted to the user after their first sign-in', async () => {
    const { vault, session, dbName } = await createdVault();
    const early = await session.keys.create({ name: 'Granted before', value: 'early-1', format: 'text', tags: [], notes: '' });
    const added = await session.directory.addUser({ name: 'Bob', password: ONE_TIME, role: 'member' });
    await session.access.grant(early.id, added.id, 'use');
    const group = await session.directory.createGroup('ops', [added.id]);
    // What the admin can compute from the row they wrote and the one-time password they chose.
    const atCreation = (await rows(dbName, 'users')).find((u) => u.id === added.id)!;
    const { userKey: adminsCopy } = await openUserKey(atCreation, ONE_TIME);
    const adminsPrivate = await openUserPrivate(added.id, adminsCopy, atCreation.sealedPrivateKey!);
    const asBob = { id: added.id, publicKey: atCreation.publicKey!, privateKey: adminsPrivate };

    const bob = await vault.unlock({ userId: added.id, password: ONE_TIME });
    await bob.credentials.changePassword(ONE_TIME, OWN);
    // What was granted before still opens for Bob, through his new keys.
    expect(await bob.keys.reveal(early.id)).toBe('early-1');

    const later = await session.keys.create({ name: 'Granted after', value: 'later-1', format: 'text', tags: [], notes: '' });
    await session.access.grant(later.id, added.id, 'use');
    const viaGroup = await session.keys.create({ name: 'Via group', value: 'group-1', format: 'text', tags: [], notes: '' });
    await session.access.grant(viaGroup.id, group.id, 'use');
    const grant = (await rows(dbName, 'grants')).find((g) => g.keyId === later.id && g.principalId === added.id)!;
    await expect(openGrant(grant, adminsCopy, asBob, true)).rejects.toThrow();
    const membership = (await rows(dbName, 'members')).find((m) => m.groupId === group.id && m.userId === added.id)!;
    await expect(openAsMember(membership, asBob, true)).rejects.toThrow();
    // Bob, with his own password, opens all three.
    bob.forgetCached();
    expect(await bob.keys.reveal(later.id)).toBe('later-1');
    expect(await bob.keys.reveal(viaGroup.id)).toBe('group-1');
    await bob.lock();
    const again = await vault.unlock({ userId: added.id, password: OWN });
    expect((await again.keys.list()).map((k) => k.name).sort()).toEqual(['Granted after', 'Granted before', 'Via group']);
  });
});

describe('grants racing a re-key (issue #14)', () => {
  it("a grant from a tab that has not seen another tab's re-key wraps the new data key, never the old one", async () => {
    const { vault, session } = await createdVault();
    const key = await session.keys.create({ name: 'Shared', value: 'v-1', format: 'text', tags: [], notes: '' });
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    const carol = await addAndSignIn(vault, session, 'Carol', 'member');
    await session.access.grant(key.id, bob.id, 'use');
    const otherTab = await vault.unlock({ password: PASSWORD });
    expect((await otherTab.keys.get(key.id)).name).toBe('Shared');
    await session.access.revoke(key.id, bob.id); // re-keys: a new data key; otherTab still holds the old one
    // The guard sees its grant was re-wrapped and opens the key again; the write re-checks the key row itself.
    await otherTab.access.grant(key.id, carol.id, 'use');
    await carol.session.lock();
    expect(await (await vault.unlock({ userId: carol.id, password: OWN })).keys.reveal(key.id)).toBe('v-1');
  });
});

describe('authenticated key rows (issue #14, attacks 2 and 7a)', () => {
  async function putRow(dbName: string, row: import('../storage').KeyRow): Promise<void> {
    const db = await openKeywardDb({ name: dbName });
    await withTx(db, [S.keys], 'readwrite', async (tx) => {
      await tx.objectStore(S.keys).put(row);
    });
    db.close();
  }

  it('"destroyAt: 1" written on a key row destroys nothing: the row is left out and reported, the rest opens', async () => {
    const { vault, session, dbName } = await createdVault();
    const target = await session.keys.create({ name: 'Target', value: 'target-1', format: 'text', tags: [], notes: '' });
    const other = await session.keys.create({ name: 'Other', value: 'other-1', format: 'text', tags: [], notes: '' });
    await session.lock();
    const row = (await rows(dbName, 'keys')).find((k) => k.id === target.id)!;
    await putRow(dbName, { ...row, destroyAt: 1 });

    const s = await vault.unlock({ password: PASSWORD });
    const done = await s.lifecycle.runDueWork();
    expect(done.destroyed).toEqual([]);
    const versions = (await rows(dbName, 'versions')).filter((v) => v.keyId === target.id);
    expect(versions.every((v) => v.sealedValue !== null && v.destroyedAt === null)).toBe(true);
    expect((await s.keys.list()).map((k) => k.name)).toEqual(['Other']);
    expect(s.keys.unreadable().map((u) => u.id)).toEqual([target.id]);
    expect(await s.keys.reveal(other.id)).toBe('other-1');
    const reported = (await s.audit.report({ actions: ['integrity.failed'] })).page[0];
    expect(reported?.details).toMatchObject({ store: 'keys', ids: [target.id] });
    // Put back as it was, the key opens again with its value.
    await putRow(dbName, row);
    s.forgetCached();
    expect(await s.keys.reveal(target.id)).toBe('target-1');
  });

  it('a changed state, version count or rotation policy on a key row is refused the same way', async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'K', value: 'k-1', format: 'text', tags: [], notes: '' });
    await session.lock();
    const row = (await rows(dbName, 'keys')).find((k) => k.id === key.id)!;
    for (const forged of [{ state: 'destroyed' as const }, { minVersion: 2 }, { autoRotate: true, rotationDays: 1 }, { keepVersions: 1 }]) {
      await putRow(dbName, { ...row, ...forged });
      const s = await vault.unlock({ password: PASSWORD });
      expect(await s.keys.list(), JSON.stringify(forged)).toEqual([]);
      expect(s.keys.unreadable().map((u) => u.id)).toEqual([key.id]);
      await s.lock();
    }
  });

  it('a saved pre-"view" key row written back gives the auditor no data key at the next re-key', async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'Shared', value: 'secret-1', format: 'text', tags: [], notes: '' });
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    await session.access.grant(key.id, bob.id, 'use');
    const ann = await addAndSignIn(vault, session, 'Ann', 'auditor');
    // Ann saves the row before her first "view" grant (no meta key: the metadata is sealed under the DEK).
    const saved = (await rows(dbName, 'keys')).find((k) => k.id === key.id)!;
    expect(saved.wrappedMetaKey).toBeUndefined();
    await session.access.grant(key.id, ann.id, 'view');
    await session.lock();
    await putRow(dbName, saved);

    // The owner unlocks later and revokes Bob: the re-key wraps a "meta key" for Ann.
    const owner = await vault.unlock({ password: PASSWORD });
    await owner.access.revoke(key.id, bob.id);
    const stolen = await stealViewKey(dbName, ann.id, OWN, key.id);
    expect(stolen).not.toBeNull();
    const versions = (await rows(dbName, 'versions')).filter((v) => v.keyId === key.id && v.sealedValue !== null);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) {
      const opened = await open(stolen!, v.sealedValue!, aad.value(key.id, v.version)).then(() => true, () => false);
      expect(opened, `version ${v.version}`).toBe(false);
    }
    // The owner and Ann still open what they hold.
    expect(await owner.keys.reveal(key.id)).toBe('secret-1');
    await ann.session.lock();
    const annAgain = await vault.unlock({ userId: ann.id, password: OWN });
    expect((await annAgain.keys.list()).map((k) => k.name)).toEqual(['Shared']);
  });
});

describe('authenticated key rows against a "view" holder (issue #14, attack 7a)', () => {
  it('an auditor who re-seals the metadata under their meta key with "destroyAt: 1" destroys nothing: the DEK-bound copy wins', async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'Shared', value: 'v-1', format: 'text', tags: [], notes: '' });
    const ann = await addAndSignIn(vault, session, 'Ann', 'auditor');
    await session.access.grant(key.id, ann.id, 'view');
    await session.lock();
    // Ann holds the meta key: she opens the metadata (whatever its context), sets every copy of destroyAt she can
    // reach to 1, and seals it again under the same context.
    const metaKey = (await stealViewKey(dbName, ann.id, OWN, key.id))!;
    const row = (await rows(dbName, 'keys')).find((k) => k.id === key.id)!;
    let context = aad.meta(key.id);
    let plain = await open(metaKey, row.sealedMeta, context).catch(() => null);
    if (plain === null) {
      context = contextAad('key', key.id, 'meta', 1);
      plain = await open(metaKey, row.sealedMeta, context);
    }
    const meta = JSON.parse(utf8Decode(plain)) as Record<string, unknown> & { fields?: Record<string, unknown> };
    if (meta.fields) meta.fields = { ...meta.fields, destroyAt: 1 };
    const sealedMeta = await seal(metaKey, utf8Encode(JSON.stringify(meta)), context);
    const db = await openKeywardDb({ name: dbName });
    await withTx(db, [S.keys], 'readwrite', async (tx) => {
      await tx.objectStore(S.keys).put({ ...row, destroyAt: 1, sealedMeta });
    });
    db.close();

    const s = await vault.unlock({ password: PASSWORD });
    expect((await s.lifecycle.runDueWork()).destroyed).toEqual([]);
    expect((await rows(dbName, 'versions')).filter((v) => v.keyId === key.id).every((v) => v.sealedValue !== null)).toBe(true);
    expect(s.keys.unreadable().map((u) => u.id)).toEqual([key.id]);
  });
  it('an auditor who re-seals the metadata under their meta key with another name is refused: its hash is bound with the DEK', async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'Payroll API', value: 'v-1', format: 'text', tags: [], notes: '' });
    const ann = await addAndSignIn(vault, session, 'Ann', 'auditor');
    await session.access.grant(key.id, ann.id, 'view');
    await session.lock();
    const metaKey = (await stealViewKey(dbName, ann.id, OWN, key.id))!;
    const row = (await rows(dbName, 'keys')).find((k) => k.id === key.id)!;
    const context = contextAad('key', key.id, 'meta', 1);
    const meta = JSON.parse(utf8Decode(await open(metaKey, row.sealedMeta, context))) as Record<string, unknown>;
    // Everything the owner reads about the key stays as it was, but its name now points somewhere else.
    const sealedMeta = await seal(metaKey, utf8Encode(JSON.stringify({ ...meta, name: 'Old test key, safe to delete' })), context);
    const db = await openKeywardDb({ name: dbName });
    await withTx(db, [S.keys], 'readwrite', async (tx) => {
      await tx.objectStore(S.keys).put({ ...row, sealedMeta });
    });
    db.close();
    const s = await vault.unlock({ password: PASSWORD });
    expect((await s.keys.list()).map((k) => k.name)).not.toContain('Old test key, safe to delete');
    expect(s.keys.unreadable().map((u) => u.id)).toEqual([key.id]);
  });
});

describe('authenticated version facts (issue #14, attack 7a)', () => {
  it("a version row's changed dates, origin or flags are not believed: the versions list shows what was sealed", async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'K', value: 'k-1', format: 'text', tags: [], notes: '' });
    await session.lifecycle.rotate(key.id, { value: 'k-2' });
    const honest = await session.keys.versions(key.id);
    await session.lock();
    const db = await openKeywardDb({ name: dbName });
    await withTx(db, [S.versions], 'readwrite', async (tx) => {
      const v1 = (await tx.objectStore(S.versions).get([key.id, 1]))!;
      await tx.objectStore(S.versions).put({ ...v1, createdAt: 5, origin: 'generated', compromisedAt: 6, destroyedAt: 7 });
    });
    db.close();
    const s = await vault.unlock({ password: PASSWORD });
    expect(await s.keys.versions(key.id)).toEqual(honest);
    expect(await s.keys.reveal(key.id, 1)).toBe('k-1');
  });
});

/** What an auditor takes out of storage: the key their "view" grant wraps (extractable), or null. */
async function stealViewKey(dbName: string, userId: string, password: string, keyId: string): Promise<DataKey | null> {
  const me = (await rows(dbName, 'users')).find((u) => u.id === userId)!;
  const { userKey } = await openUserKey(me, password);
  const privateKey = await openUserPrivate(userId, userKey, me.sealedPrivateKey!);
  const grant = (await rows(dbName, 'grants')).find((g) => g.keyId === keyId && g.principalId === userId);
  if (!grant) return null;
  const { metaKey } = await openGrant(grant, userKey, { id: userId, publicKey: me.publicKey!, privateKey }, true);
  return metaKey;
}
