// Access control (issue #6): the role table, the one guard on the session, and the key hierarchy that
// backs it — a user without a grant holds no wrapping to open, whatever code they run.
import { describe, expect, it, vi } from 'vitest';
import { createdVault, newVault, PASSWORD, rejectsWith, TEST_ITERATIONS } from '../../test/unit/helpers';
import { openVault } from './vault';
import { open, unwrapDataKey, type UserKey } from '../crypto';
import { DB, openKeywardDb } from '../storage';
import { denial, OPERATIONS, roleAllows, type Operation } from './access';
import { aad } from './context';
import { openGrant, openUserPrivate } from './principals';
import { openUserKey } from './user-keys';
import type { KeyId, Role, UserId } from './types';
import type { Session, Vault } from '.';

const S = DB.stores;
const ONE_TIME = 'one-time password 1';
const OWN = 'my very own passphrase';

/** The role table, written out by hand: which role may attempt which operation at all. */
const TABLE: Record<Role, Operation[]> = {
  owner: [...OPERATIONS],
  admin: [...OPERATIONS],
  member: ['key.create', 'key.view', 'key.use', 'key.rotate', 'key.manage'],
  auditor: ['key.view', 'audit.read'],
};

describe('the role table', () => {
  it.each(Object.entries(TABLE))('%s may attempt exactly its operations', (role, allowed) => {
    for (const op of OPERATIONS) expect(roleAllows(role as Role, op), `${role} ${op}`).toBe(allowed.includes(op));
  });

  it('key operations also need a grant at the right level', () => {
    expect(denial('member', 'key.use', null)).toBe('no grant on this key');
    expect(denial('member', 'key.use', 'view')).toMatch(/"view" grant/);
    expect(denial('member', 'key.use', 'use')).toBeNull();
    expect(denial('member', 'key.manage', 'rotate')).not.toBeNull();
    expect(denial('admin', 'key.use', null)).toBe('no grant on this key');
    expect(denial('auditor', 'key.use', 'manage')).toMatch(/auditor cannot/);
    expect(denial('owner', 'key.manage', 'owner')).toBeNull();
  });
});

/** Adds a user and signs them in with their own password (the one-time one is changed first). */
async function addAndSignIn(vault: Vault, admin: Session, name: string, role: Role): Promise<{ id: UserId; session: Session }> {
  const user = await admin.directory.addUser({ name, password: ONE_TIME, role });
  const first = await vault.unlock({ userId: user.id, password: ONE_TIME });
  expect(first.mustChangePassword).toBe(true);
  await first.credentials.changePassword(ONE_TIME, OWN);
  return { id: user.id, session: first };
}

async function rows<N extends 'grants' | 'users' | 'keys' | 'versions' | 'audit' | 'members'>(dbName: string, store: N) {
  const db = await openKeywardDb({ name: dbName });
  try {
    return await db.getAll(store);
  } finally {
    db.close();
  }
}

async function setup() {
  const base = await createdVault();
  const key = await base.session.keys.create({ name: 'Stripe live', value: 'sk_live_secret_1', format: 'text', tags: ['pay'], notes: 'prod' });
  const bob = await addAndSignIn(base.vault, base.session, 'Bob', 'member');
  return { ...base, key, bob };
}

describe('users', () => {
  it('a new user must choose their own password before anything else', async () => {
    const { vault, session } = await createdVault();
    const u = await session.directory.addUser({ name: 'Bob', password: ONE_TIME, role: 'member' });
    expect(u).toMatchObject({ name: 'Bob', role: 'member', mustChangePassword: true });
    const bob = await vault.unlock({ userId: u.id, password: ONE_TIME });
    await rejectsWith(bob.keys.list(), 'PasswordChangeRequired');
    await rejectsWith(bob.keys.create({ name: 'x', value: 'y', format: 'text', tags: [], notes: '' }), 'PasswordChangeRequired');
    await rejectsWith(bob.credentials.changePassword(ONE_TIME, ONE_TIME), 'InvalidInput', 'password');
    await bob.credentials.changePassword(ONE_TIME, OWN);
    expect(bob.mustChangePassword).toBe(false);
    expect(await bob.keys.list()).toEqual([]);
    await bob.lock();
    await rejectsWith(vault.unlock({ userId: u.id, password: ONE_TIME }), 'WrongPassword');
    const again = await vault.unlock({ userId: u.id, password: OWN });
    expect(again.mustChangePassword).toBe(false);
  });

  it('refuses bad input: empty or duplicate names, short passwords, the owner role', async () => {
    const { session } = await createdVault();
    await rejectsWith(session.directory.addUser({ name: ' ', password: ONE_TIME, role: 'member' }), 'InvalidInput', 'ownerName');
    await rejectsWith(session.directory.addUser({ name: 'ada', password: ONE_TIME, role: 'member' }), 'InvalidInput', 'userName');
    await rejectsWith(session.directory.addUser({ name: 'Bob', password: 'short', role: 'member' }), 'PasswordTooShort');
    await rejectsWith(session.directory.addUser({ name: 'Bob', password: ONE_TIME, role: 'owner' }), 'InvalidInput', 'role');
  });

  it('a removed user can no longer unlock, and the owner and the last admin stay', async () => {
    const { vault, session, bob } = await setup();
    const owner = session.user.id;
    await rejectsWith(session.directory.removeUser(owner), 'InvalidInput', 'user');
    await rejectsWith(session.directory.setUserRole(owner, 'member'), 'InvalidInput', 'role');
    const carol = await addAndSignIn(vault, session, 'Carol', 'admin');
    // Carol (admin) cannot remove the owner; the owner is the last admin once Carol is demoted.
    await rejectsWith(carol.session.directory.removeUser(owner), 'InvalidInput', 'user');
    await session.directory.setUserRole(carol.id, 'member');
    await rejectsWith(carol.session.directory.addUser({ name: 'Dan', password: ONE_TIME, role: 'member' }), 'AccessDenied');
    await bob.session.lock();
    await session.directory.removeUser(bob.id);
    await rejectsWith(vault.unlock({ userId: bob.id, password: OWN }), 'WrongPassword');
    expect((await session.directory.users()).map((u) => u.name).sort()).toEqual(['Ada', 'Carol']);
  });

  it('removing the last admin is refused', async () => {
    const { vault, session } = await createdVault();
    const carol = await addAndSignIn(vault, session, 'Carol', 'admin');
    // Two admins: the owner and Carol. Demoting Carol leaves the owner; the owner is never demoted.
    await session.directory.setUserRole(carol.id, 'auditor');
    expect((await session.directory.users()).filter((u) => u.role === 'owner' || u.role === 'admin')).toHaveLength(1);
    await rejectsWith(session.directory.setUserRole(session.user.id, 'member'), 'InvalidInput', 'role');
    await rejectsWith(session.directory.removeUser(session.user.id), 'InvalidInput', 'user');
  });

  it('a user who alone manages a key cannot be removed until someone else manages it', async () => {
    const { session, bob, dbName } = await setup();
    const mine = await bob.session.keys.create({ name: 'Bob only', value: 'bob-secret-value', format: 'text', tags: [], notes: '' });
    await rejectsWith(session.directory.removeUser(bob.id), 'InvalidInput', 'user');
    await bob.session.access.grant(mine.id, session.user.id, 'manage');
    await session.directory.removeUser(bob.id);
    expect((await rows(dbName, 'grants')).some((g) => g.principalId === bob.id)).toBe(false);
    await session.lock();
  });
});

describe('grants, enforced by the key hierarchy', () => {
  it('without a grant a member sees nothing, and a direct try is refused and logged', async () => {
    const { session, key, bob } = await setup();
    expect(await bob.session.keys.list()).toEqual([]);
    await rejectsWith(bob.session.keys.reveal(key.id), 'AccessDenied');
    await rejectsWith(bob.session.keys.get(key.id), 'AccessDenied');
    await rejectsWith(bob.session.keys.reveal('no-such-key' as KeyId), 'NotFound');
    const report = await session.audit.report({ actions: ['access.denied'] });
    expect(report.total).toBe(2);
    expect(report.page[0]).toMatchObject({ actor: bob.id, keyId: key.id, outcome: 'denied' });
    expect(JSON.stringify(report.page)).not.toContain('sk_live_secret_1');
  });

  it('bypassing every check: a user without a grant holds no wrapping that opens the key', async () => {
    const { dbName, key, bob } = await setup();
    // Bob's own keys, opened from storage with his password, as code in the devtools could.
    const users = await rows(dbName, 'users');
    const bobRow = users.find((u) => u.id === bob.id)!;
    const { userKey } = await openUserKey(bobRow, OWN);
    const privateKey = await openUserPrivate(bob.id, userKey, bobRow.sealedPrivateKey!);
    const grants = await rows(dbName, 'grants');
    expect(grants.filter((g) => g.keyId === key.id).map((g) => g.principalId)).toEqual([users.find((u) => u.role === 'owner')!.id]);
    // The owner's wrapping does not open under anything Bob holds, under any context.
    const owners = grants.find((g) => g.keyId === key.id)!;
    for (const context of [aad.dek(key.id, bob.id), aad.dek(key.id, owners.principalId)]) {
      await expect(unwrapDataKey(userKey, owners.wrappedDek!, context)).rejects.toThrow();
    }
    await expect(openGrant(owners, userKey, { id: bob.id, publicKey: bobRow.publicKey!, privateKey })).rejects.toThrow();
    // And the value itself does not open under Bob's user key.
    const version = (await rows(dbName, 'versions')).find((v) => v.keyId === key.id)!;
    await expect(open(userKey as unknown as UserKey, version.sealedValue!, aad.value(key.id, 1))).rejects.toThrow();
  });

  it('"use" lets a member reveal; "view" gives the name only, with no data key stored for them', async () => {
    const { session, key, bob, dbName } = await setup();
    await session.access.grant(key.id, bob.id, 'use');
    await bob.session.lock();
    const bobAgain = await reopen(dbName, bob.id);
    expect((await bobAgain.keys.list()).map((k) => [k.name, k.permission])).toEqual([['Stripe live', 'use']]);
    expect(await bobAgain.keys.reveal(key.id)).toBe('sk_live_secret_1');
    await rejectsWith(bobAgain.lifecycle.rotate(key.id), 'AccessDenied');
    await session.access.grant(key.id, bob.id, 'view');
    const grant = (await rows(dbName, 'grants')).find((g) => g.principalId === bob.id)!;
    expect(grant.wrappedDek).toBeNull();
    expect(grant.wrappedMetaKey).toBeInstanceOf(Uint8Array);
    await bobAgain.lock();
    const viewer = await reopen(dbName, bob.id);
    expect((await viewer.keys.get(key.id)).name).toBe('Stripe live');
    await rejectsWith(viewer.keys.reveal(key.id), 'AccessDenied');
    // The owner still reads everything after the metadata moved under its own meta key.
    expect(await session.keys.reveal(key.id)).toBe('sk_live_secret_1');
    const renamed = await session.keys.update(key.id, { name: 'Stripe (live)' });
    expect(renamed.name).toBe('Stripe (live)');
    await viewer.lock();
    expect((await (await reopen(dbName, bob.id)).keys.get(key.id)).name).toBe('Stripe (live)');
  });

  it('revoking removes the wrapping, re-keys and rotates: a data key copied before is useless after', async () => {
    const { session, key, bob, dbName } = await setup();
    await session.access.grant(key.id, bob.id, 'use');
    await bob.session.lock();
    const bobS = await reopen(dbName, bob.id);
    expect(await bobS.keys.reveal(key.id)).toBe('sk_live_secret_1');
    // Bob copies his data key out (extractable), as code in the devtools could.
    const bobRow = (await rows(dbName, 'users')).find((u) => u.id === bob.id)!;
    const { userKey } = await openUserKey(bobRow, OWN);
    const privateKey = await openUserPrivate(bob.id, userKey, bobRow.sealedPrivateKey!);
    const bobGrant = (await rows(dbName, 'grants')).find((g) => g.principalId === bob.id)!;
    const stolen = (await openGrant(bobGrant, userKey, { id: bob.id, publicKey: bobRow.publicKey!, privateKey })).dek!;
    const result = await session.access.revoke(key.id, bob.id);
    expect(result).toEqual({ rekeyed: true, rotated: false });
    expect((await rows(dbName, 'grants')).some((g) => g.principalId === bob.id)).toBe(false);
    await rejectsWith(bobS.keys.reveal(key.id), 'AccessDenied');
    await bobS.lock();
    expect(await (await reopen(dbName, bob.id)).keys.list()).toEqual([]);
    // Every version is sealed under a new data key: the copied one opens nothing.
    const version = (await rows(dbName, 'versions')).find((v) => v.keyId === key.id)!;
    await expect(open(stolen, version.sealedValue!, aad.value(key.id, 1))).rejects.toThrow();
    expect(await session.keys.reveal(key.id)).toBe('sk_live_secret_1');
    const log = await session.audit.report({ actions: ['key.revoke'] });
    expect(log.page[0]!.details).toMatchObject({ principal: bob.id, rekeyed: true });
  });

  it('a generated key is rotated on revoke; the last manager cannot be revoked', async () => {
    const { session, bob } = await setup();
    const gen = await session.keys.generate({ name: 'signing', tags: [], notes: '', algorithm: { kind: 'hmac', hash: 'SHA-256' } });
    await session.access.grant(gen.id, bob.id, 'manage');
    await rejectsWith(session.access.revoke(gen.id, session.user.id), 'InvalidInput', 'principal');
    expect(await session.access.revoke(gen.id, bob.id)).toEqual({ rekeyed: true, rotated: true });
    expect((await session.keys.get(gen.id)).version).toBe(2);
    await rejectsWith(session.access.grant(gen.id, bob.id, 'owner'), 'InvalidInput', 'permission');
  });

  it('an auditor reads the log, never key material', async () => {
    const { vault, session, key, bob } = await setup();
    const audi = await addAndSignIn(vault, session, 'Audi', 'auditor');
    await rejectsWith(session.access.grant(key.id, audi.id, 'use'), 'InvalidInput', 'permission');
    await session.access.grant(key.id, audi.id, 'view');
    await audi.session.lock();
    const a = await vault.unlock({ userId: audi.id, password: OWN });
    expect((await a.keys.list()).map((k) => k.name)).toEqual(['Stripe live']);
    await rejectsWith(a.keys.reveal(key.id), 'AccessDenied');
    await rejectsWith(a.keys.create({ name: 'x', value: 'y', format: 'text', tags: [], notes: '' }), 'AccessDenied');
    expect((await a.audit.report()).total).toBeGreaterThan(0);
    // A member holding more than "view" does not become an auditor until those grants are revoked.
    await session.access.grant(key.id, bob.id, 'use');
    await rejectsWith(session.directory.setUserRole(bob.id, 'auditor'), 'InvalidInput', 'role');
    await session.access.revoke(key.id, bob.id, { rotate: false });
    await session.directory.setUserRole(bob.id, 'auditor');
  });
});

/** Unlocks a user of an existing database with their own password in a fresh Vault. */
async function reopen(dbName: string, userId: string): Promise<Session> {
  const v = await openVault({ dbName, kdfFloor: TEST_ITERATIONS });
  return v.unlock({ userId: userId as UserId, password: OWN });
}

describe('edges that would leak or lose a key', () => {
  it('lowering a grant to "view" takes the data key away and re-keys, like a revoke', async () => {
    const { session, key, bob, dbName } = await setup();
    await session.access.grant(key.id, bob.id, 'use');
    const before = (await rows(dbName, 'versions')).find((v) => v.keyId === key.id)!.sealedValue!;
    await session.access.grant(key.id, bob.id, 'view');
    const grant = (await rows(dbName, 'grants')).find((g) => g.principalId === bob.id)!;
    expect([grant.permission, grant.wrappedDek]).toEqual(['view', null]);
    const after = (await rows(dbName, 'versions')).find((v) => v.keyId === key.id)!.sealedValue!;
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(false);
    expect(await session.keys.reveal(key.id)).toBe('sk_live_secret_1');
  });

  it('an auditor never holds a data key through a group', async () => {
    const { vault, session, key } = await setup();
    const audi = await addAndSignIn(vault, session, 'Audi', 'auditor');
    const group = await session.directory.createGroup('readers', [audi.id]);
    await rejectsWith(session.access.grant(key.id, group.id, 'use'), 'InvalidInput', 'permission');
    await session.access.grant(key.id, group.id, 'view');
    const ops = await session.directory.createGroup('ops');
    await session.access.grant(key.id, ops.id, 'use');
    await rejectsWith(session.directory.addMember(ops.id, audi.id), 'InvalidInput', 'members');
    const carol = await addAndSignIn(vault, session, 'Carol', 'member');
    await session.directory.addMember(ops.id, carol.id);
    await rejectsWith(session.directory.setUserRole(carol.id, 'auditor'), 'InvalidInput', 'role');
  });

  it('a manager who holds the key through a group cannot revoke that group', async () => {
    const { vault, session, key, bob } = await setup();
    const carol = await addAndSignIn(vault, session, 'Carol', 'member');
    const group = await session.directory.createGroup('ops', [carol.id]);
    await session.access.grant(key.id, group.id, 'manage');
    await session.access.grant(key.id, bob.id, 'use');
    await carol.session.lock();
    const c = await vault.unlock({ userId: carol.id, password: OWN });
    // The Access panel is told which row her access comes through (it offers no Revoke there).
    expect((await c.access.list(key.id)).filter((e) => e.yourAccess).map((e) => e.principalId)).toEqual([group.id]);
    expect((await session.access.list(key.id)).filter((e) => e.yourAccess).map((e) => e.name)).toEqual(['Ada']);
    await rejectsWith(c.access.revoke(key.id, group.id), 'InvalidInput', 'principal');
    expect(await c.access.revoke(key.id, bob.id)).toEqual({ rekeyed: true, rotated: false });
    expect(await c.keys.reveal(key.id)).toBe('sk_live_secret_1');
    expect(await session.keys.reveal(key.id)).toBe('sk_live_secret_1');
  });

  it("a removed user's open session locks at its next operation", async () => {
    const { session, bob } = await setup();
    await session.directory.removeUser(bob.id);
    await rejectsWith(bob.session.keys.list(), 'Locked');
    expect(bob.session.locked).toBe(true);
  });
});

describe('the guard reads afresh at every operation', () => {
  it('a grant raised, revoked without re-key, or its key removed in another session is noticed at the next operation', async () => {
    const { session, key, bob, clock } = await setup();
    await session.access.grant(key.id, bob.id, 'view');
    // A key new to an open session reaches it through the other tab's "changed" message (forgetCached).
    bob.session.forgetCached();
    expect((await bob.session.keys.get(key.id)).permission).toBe('view');
    await rejectsWith(bob.session.keys.reveal(key.id), 'AccessDenied');
    // Raised elsewhere: Bob's open session opens the new grant, without a reload of its own.
    await session.access.grant(key.id, bob.id, 'use');
    expect(await bob.session.keys.reveal(key.id)).toBe('sk_live_secret_1');
    // Revoked elsewhere without a re-key: Bob's data key is still in memory, the guard refuses anyway.
    await session.access.revoke(key.id, bob.id, { rotate: false });
    await rejectsWith(bob.session.keys.reveal(key.id), 'AccessDenied');
    await rejectsWith(bob.session.keys.get(key.id), 'AccessDenied');
    // Granted again, then the key destroyed and removed elsewhere: no such key.
    await session.access.grant(key.id, bob.id, 'use');
    bob.session.forgetCached();
    expect(await bob.session.keys.reveal(key.id)).toBe('sk_live_secret_1');
    await session.lifecycle.scheduleDestruction(key.id, 7);
    clock.advance(8 * 24 * 60 * 60 * 1000);
    expect((await session.lifecycle.runDueWork()).destroyed).toEqual([key.id]);
    await session.lifecycle.remove(key.id);
    await rejectsWith(bob.session.keys.get(key.id), 'NotFound');
    expect(bob.session.locked).toBe(false);
  });

  it('a role changed by an admin applies to an open session at its next operation', async () => {
    const { session, bob } = await setup();
    await bob.session.keys.create({ name: 'mine', value: 'v', format: 'text', tags: [], notes: '' });
    await session.directory.setUserRole(bob.id, 'admin');
    expect((await bob.session.directory.users()).length).toBe(2);
    await session.directory.setUserRole(bob.id, 'member');
    await rejectsWith(bob.session.directory.users(), 'AccessDenied');
  });

  it('reads what it needs in one readonly transaction', async () => {
    const { session, key } = await setup();
    await session.keys.get(key.id); // the key list is opened once per unlock, before
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    try {
      await session.keys.get(key.id);
      expect(spy.mock.calls.map((c) => [c[0], c[1]])).toEqual([[['users', 'grants', 'keys', 'ledger'], 'readonly']]);
      spy.mockClear();
      await session.keys.list();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('groups', () => {
  it('a key granted to a group opens for its members; a removed member loses it and the group is re-keyed', async () => {
    const { vault, session, key, bob, dbName } = await setup();
    const carol = await addAndSignIn(vault, session, 'Carol', 'member');
    const group = await session.directory.createGroup('security', [bob.id, carol.id]);
    await rejectsWith(session.directory.createGroup('Security'), 'InvalidInput', 'groupName');
    await session.access.grant(key.id, group.id, 'use');
    await bob.session.lock();
    await carol.session.lock();
    expect(await (await reopen(dbName, bob.id)).keys.reveal(key.id)).toBe('sk_live_secret_1');
    const before = (await rows(dbName, 'grants')).find((g) => g.principalId === group.id)!;
    await session.directory.removeMember(group.id, bob.id);
    const after = (await rows(dbName, 'grants')).find((g) => g.principalId === group.id)!;
    expect(Buffer.from(after.epk!).equals(Buffer.from(before.epk!))).toBe(false);
    expect((await rows(dbName, 'members')).map((m) => m.userId).sort()).toEqual([carol.id, session.user.id].sort());
    expect(await (await reopen(dbName, bob.id)).keys.list()).toEqual([]);
    expect(await (await reopen(dbName, carol.id)).keys.reveal(key.id)).toBe('sk_live_secret_1');
    expect((await session.directory.groups())[0]).toMatchObject({ name: 'security', isMember: true });
    // A member admin is needed to change membership; a group with grants is not deleted.
    await rejectsWith(session.directory.deleteGroup(group.id), 'InvalidInput', 'group');
    await session.access.revoke(key.id, group.id, { rotate: false });
    await session.directory.deleteGroup(group.id);
    expect(await rows(dbName, 'members')).toEqual([]);
  });

  it('an admin who is not a member cannot change the membership', async () => {
    const { vault, session, bob } = await setup();
    const carol = await addAndSignIn(vault, session, 'Carol', 'admin');
    const group = await carol.session.directory.createGroup('ops');
    await rejectsWith(session.directory.addMember(group.id, bob.id), 'AccessDenied');
    await carol.session.directory.addMember(group.id, bob.id);
    expect((await session.directory.groups())[0]!.members).toHaveLength(2);
  });
});

describe('the whole matrix: roles × operations on a live session', () => {
  type Attempt = (s: Session, ctx: { key: KeyId; other: UserId }) => Promise<unknown>;
  const attempts: Record<string, Attempt> = {
    'list keys': (s) => s.keys.list(),
    'create key': (s) => s.keys.create({ name: `k-${Math.random()}`, value: 'v-value-1', format: 'text', tags: [], notes: '' }),
    'reveal granted key': (s, c) => s.keys.reveal(c.key),
    'rotate granted key': (s, c) => s.lifecycle.rotate(c.key, { value: `new-${Math.random()}` }),
    'list users': (s) => s.directory.users(),
    'add user': (s) => s.directory.addUser({ name: `u-${Math.random()}`, password: ONE_TIME, role: 'member' }),
    'create group': (s) => s.directory.createGroup(`g-${Math.random()}`),
    'read audit': (s) => s.audit.report(),
    'export backup': (s) => s.backup.export({ password: 'a backup passphrase' }),
    'change settings': (s) => s.settings.update({ autoLockMinutes: 10 }),
  };
  // Each role holds a "use" grant on the key (an auditor: "view", the most it can hold).
  const expected: Record<Exclude<Role, 'owner'>, string[]> = {
    admin: Object.keys(attempts).filter((a) => a !== 'rotate granted key'),
    member: ['list keys', 'create key', 'reveal granted key'],
    auditor: ['list keys', 'read audit'],
  };

  it.each(Object.entries(expected))('%s', async (role, allowed) => {
    const { vault, session, key } = await setup();
    const u = await addAndSignIn(vault, session, `The ${role}`, role as Role);
    await session.access.grant(key.id, u.id, role === 'auditor' ? 'view' : 'use');
    await u.session.lock();
    const s = await vault.unlock({ userId: u.id, password: OWN });
    const outcome: string[] = [];
    for (const [name, attempt] of Object.entries(attempts)) {
      const ok = await attempt(s, { key: key.id, other: session.user.id }).then(
        () => true,
        (e: unknown) => {
          expect((e as { code?: string }).code, name).toBe('AccessDenied');
          return false;
        },
      );
      if (ok) outcome.push(name);
    }
    expect(outcome).toEqual(allowed);
    const denied = await session.audit.report({ actions: ['access.denied'], actors: [u.id] });
    expect(denied.total).toBe(Object.keys(attempts).length - allowed.length);
  });
});

describe('backups and upgrades', () => {
  it('a backup carries users, groups and grants; a restore keeps them', async () => {
    const { session, key, bob, vault } = await setup();
    const group = await session.directory.createGroup('security', [bob.id]);
    await session.access.grant(key.id, group.id, 'use');
    const { bytes } = await session.backup.export({ password: 'a backup passphrase' });
    const fresh = await newVault();
    const preview = await fresh.vault.restoreBackup(bytes, 'a backup passphrase');
    expect(preview.counts.users).toBe(2);
    const restoredBob = await fresh.vault.unlock({ userId: bob.id, password: OWN });
    expect(await restoredBob.keys.reveal(key.id)).toBe('sk_live_secret_1');
    expect((await restoredBob.keys.list()).map((k) => k.permission)).toEqual(['use']);
    await restoredBob.lock();
    const owner = await fresh.vault.unlock({ password: PASSWORD });
    expect((await owner.directory.groups()).map((g) => g.name)).toEqual(['security']);
    void vault;
  });

  it('from inside a vault only an admin replaces it or merges into it', async () => {
    const { session, vault, bob } = await setup();
    const { bytes } = await session.backup.export({ password: 'a backup passphrase' });
    await rejectsWith(vault.restoreBackup(bytes, 'a backup passphrase', bob.session), 'AccessDenied');
    await rejectsWith(vault.previewMerge(bob.session, bytes, 'a backup passphrase', PASSWORD), 'AccessDenied');
    await rejectsWith(bob.session.backup.export({ password: 'a backup passphrase' }), 'AccessDenied');
    expect((await session.audit.report({ actions: ['access.denied'], actors: [bob.id] })).total).toBe(3);
  });

  it('a user row from schema version 1 gets its key pair at the next unlock', async () => {
    const { session, dbName } = await createdVault();
    const id = session.user.id;
    await session.lock();
    const db = await openKeywardDb({ name: dbName });
    const row = (await db.get(S.users, id))!;
    delete row.publicKey;
    delete row.sealedPrivateKey;
    await db.put(S.users, row);
    db.close();
    const again = await reopenOwner(dbName);
    const stored = (await rows(dbName, 'users'))[0]!;
    expect(stored.publicKey?.kty).toBe('EC');
    expect((await again.audit.report({ actions: ['user.keys'] })).total).toBe(1);
  });
});

async function reopenOwner(dbName: string): Promise<Session> {
  return (await openVault({ dbName, kdfFloor: TEST_ITERATIONS })).unlock({ password: PASSWORD });
}
