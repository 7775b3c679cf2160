// Integrity of principals (issue #14, attacks 1 and 7a "role"), tried as the attacker would: a member with devtools writes
// rows and ledger links herself, with her own password and the crypto functions anyone has. Each attack must yield
// nothing, be reported, and leave the vault opening for everyone else. Also: a vault from before the ledger is upgraded.

import { describe, expect, it } from 'vitest';
import { addAndSignIn, ONE_TIME, OWN } from '../../test/unit/sign-in';
import { createdVault, PASSWORD, rejectsWith } from '../../test/unit/helpers';
import { importSigningPrivate, open, sign, toBase64Url } from '../crypto';
import { DB, openKeywardDb, type LedgerBody, type UserRow } from '../storage';
import { aad } from './context';
import { signedBytes } from './ledger';
import { openGrant, openUserPrivate } from './principals';
import { openUserKey } from './user-keys';
import type { Role, UserId } from './types';
import type { Session, Vault } from '.';

const S = DB.stores;

/** Storage as an attacker reaches it: the database, opened beside the app. */
async function withDb<T>(dbName: string, fn: (db: Awaited<ReturnType<typeof openKeywardDb>>) => Promise<T>): Promise<T> {
  const db = await openKeywardDb({ name: dbName });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** Whether Mallory's own ECDH private key opens any grant stored for `principalId` (what a substitution would give her). */
async function malloryOpens(dbName: string, malloryId: string, principalId: string): Promise<boolean> {
  return withDb(dbName, async (db) => {
    const me = (await db.get(S.users, malloryId))!;
    const { userKey } = await openUserKey(me, OWN);
    const privateKey = await openUserPrivate(malloryId, userKey, me.sealedPrivateKey!);
    for (const g of await db.getAllFromIndex(S.grants, 'byPrincipal', principalId)) {
      const opened = await openGrant(g, userKey, { id: principalId, publicKey: me.publicKey!, privateKey }).catch(() => null);
      if (opened?.dek) return true;
    }
    return false;
  });
}

describe('public-key substitution (issue #14, attack 1)', () => {
  it("a member who writes her public key into another user's row gets no wrapping she can open; it is reported", async () => {
    const { vault, session, dbName } = await createdVault();
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    const mallory = await addAndSignIn(vault, session, 'Mallory', 'member');
    const key = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    // The attack: Bob's row now carries Mallory's public key.
    await withDb(dbName, async (db) => {
      const m = (await db.get(S.users, mallory.id))!;
      const b = (await db.get(S.users, bob.id))!;
      await db.put(S.users, { ...b, publicKey: m.publicKey! });
    });
    await session.lock();
    const owner = await vault.unlock({ password: PASSWORD });
    expect(owner.ledgerReport.mismatched).toContainEqual({ store: 'users', id: bob.id, why: 'a public key the ledger does not hold' });
    await owner.access.grant(key.id, bob.id, 'use');
    expect(await malloryOpens(dbName, mallory.id, bob.id)).toBe(false);
    // Bob, whose row was tampered with, still opens what was granted to him (the wrapping is for his real key).
    const bobAgain = await vault.unlock({ userId: bob.id, password: OWN });
    expect(await bobAgain.keys.reveal(key.id)).toBe('sk_live_1');
  });

  it("a member who writes her public key into a group's row gets no wrapping she can open", async () => {
    const { vault, session, dbName } = await createdVault();
    const mallory = await addAndSignIn(vault, session, 'Mallory', 'member');
    const group = await session.directory.createGroup('Ops');
    const key = await session.keys.create({ name: 'Deploy', value: 'deploy-token', format: 'text', tags: [], notes: '' });
    await withDb(dbName, async (db) => {
      const m = (await db.get(S.users, mallory.id))!;
      const g = (await db.get(S.groups, group.id))!;
      await db.put(S.groups, { ...g, publicKey: m.publicKey! });
    });
    await session.lock();
    const owner = await vault.unlock({ password: PASSWORD });
    expect(owner.ledgerReport.mismatched).toContainEqual({ store: 'groups', id: group.id, why: 'a public key the ledger does not hold' });
    await owner.access.grant(key.id, group.id, 'use');
    expect(await malloryOpens(dbName, mallory.id, group.id)).toBe(false);
    expect(await owner.keys.reveal(key.id)).toBe('deploy-token');
  });
});

describe('raising a role (issue #14, attack 7a)', () => {
  it('"role: admin" on her own row is not believed by the guard; it is reported', async () => {
    const { vault, session, dbName } = await createdVault();
    const mallory = await addAndSignIn(vault, session, 'Mallory', 'member');
    await mallory.session.lock();
    await withDb(dbName, async (db) => {
      const m = (await db.get(S.users, mallory.id))!;
      await db.put(S.users, { ...m, role: 'admin' });
    });
    const hers = await vault.unlock({ userId: mallory.id, password: OWN });
    await rejectsWith(hers.directory.addUser({ name: 'Eve', password: ONE_TIME, role: 'admin' }), 'AccessDenied');
    await rejectsWith(hers.directory.users(), 'AccessDenied');
    expect(hers.ledgerReport.mismatched).toContainEqual({ store: 'users', id: mallory.id, why: 'a role the ledger does not give' });
  });

  it('a link she signs herself to make her an admin is refused; the ledger stands up to it and the vault opens', async () => {
    const { vault, session, dbName } = await createdVault();
    const mallory = await addAndSignIn(vault, session, 'Mallory', 'member');
    const key = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    await mallory.session.lock();
    await session.lock();
    // Her own signing key, from her own row and password; the link appended after the real head.
    await withDb(dbName, async (db) => {
      const me = (await db.get(S.users, mallory.id))!;
      const { userKey } = await openUserKey(me, OWN);
      const pkcs8 = await open(userKey, me.sealedSigningKey!, aad.userSigning(mallory.id));
      const { privateKey } = await importSigningPrivate(pkcs8);
      const links = await db.getAll(S.ledger);
      const last = links[links.length - 1]!;
      const { linkHash } = await import('./ledger');
      const vaultId = (await db.get(S.meta, 'vault'))!.vaultId;
      const body: LedgerBody = { type: 'user.role', id: mallory.id, role: 'admin' };
      const unsigned = { seq: links.length, at: 1, by: mallory.id, body, prev: await linkHash(vaultId, last) };
      await db.add(S.ledger, { ...unsigned, sig: await sign(privateKey, signedBytes(vaultId, unsigned)) });
      await db.put(S.users, { ...me, role: 'admin' });
    });
    const hers = await vault.unlock({ userId: mallory.id, password: OWN });
    expect(hers.ledgerReport.problem?.why).toBe('only an admin changes roles');
    await rejectsWith(hers.directory.addUser({ name: 'Eve', password: ONE_TIME, role: 'admin' }), 'AccessDenied');
    const owner = await vault.unlock({ password: PASSWORD });
    expect(owner.ledgerReport.problem?.why).toBe('only an admin changes roles');
    // Fail closed, not bricked: the owner's keys open; nothing is wrapped for anyone until the ledger is repaired.
    expect(await owner.keys.reveal(key.id)).toBe('sk_live_1');
    await rejectsWith(owner.access.grant(key.id, mallory.id, 'use'), 'InvalidInput');
    const reported = (await owner.audit.report({ actions: ['integrity.failed'] })).page;
    expect(reported.some((e) => e.details.store === 'ledger' && e.details.why === 'only an admin changes roles')).toBe(true);
  });

  it('a ledger rolled back to before her demotion is caught by the pin of everyone who saw it', async () => {
    const { vault, session, dbName } = await createdVault();
    const mallory = await addAndSignIn(vault, session, 'Mallory', 'admin');
    await session.directory.setUserRole(mallory.id, 'member');
    await session.lock();
    await mallory.session.lock();
    // She deletes the demotion link and puts her row back.
    await withDb(dbName, async (db) => {
      const links = await db.getAll(S.ledger);
      await db.delete(S.ledger, links.length - 1);
      const me = (await db.get(S.users, mallory.id))!;
      await db.put(S.users, { ...me, role: 'admin' });
    });
    const owner = await vault.unlock({ password: PASSWORD });
    expect(owner.ledgerReport.problem?.why).toMatch(/rolled back/);
    await rejectsWith(owner.directory.addUser({ name: 'Eve', password: ONE_TIME, role: 'member' }), 'Corrupt');
  });
});

describe('the first sign-in (issue #14, deliverable 4)', () => {
  it('the user is told when and from what client their first sign-in happened', async () => {
    const { vault, session, clock } = await createdVault();
    const bob = await session.directory.addUser({ name: 'Bob', password: ONE_TIME, role: 'member' });
    const at = clock.now();
    // Someone who knew the one-time password signs in first.
    const first = await vault.unlock({ userId: bob.id, password: ONE_TIME });
    expect(first.firstSignIn).toBeNull();
    await first.credentials.changePassword(ONE_TIME, OWN);
    expect(first.firstSignIn).toEqual({ at, client: expect.any(String) });
    await first.lock();
    clock.advance(86_400_000);
    const later = await vault.unlock({ userId: bob.id, password: OWN });
    expect(later.firstSignIn).toEqual({ at, client: expect.any(String) });
    expect(later.ledgerReport).toEqual({ problem: null, mismatched: [] });
  });
});

describe('a vault from before the ledger (database version 2)', () => {
  /** Makes a vault look as version 2 left it: no links, no pins, no signing keys. */
  async function asVersion2(dbName: string): Promise<void> {
    await withDb(dbName, async (db) => {
      await db.clear(S.ledger);
      for (const u of await db.getAll(S.users)) {
        const { pin: _p, sealedSigningKey: _s, ...v2 } = u as UserRow;
        await db.put(S.users, v2);
      }
    });
  }

  it('opens for everyone; the owner starts the ledger; each user then brings their signing key; grants still work', async () => {
    const { vault, session, dbName } = await createdVault();
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    const group = await session.directory.createGroup('Ops', [bob.id]);
    const key = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    await session.access.grant(key.id, group.id, 'use');
    await session.lock();
    await bob.session.lock();
    await asVersion2(dbName);
    // Bob first: no ledger yet, the rows are trusted as before.
    const early = await vault.unlock({ userId: bob.id, password: OWN });
    expect(await early.keys.reveal(key.id)).toBe('sk_live_1');
    await early.lock();
    const owner = await vault.unlock({ password: PASSWORD });
    expect(owner.ledgerReport).toEqual({ problem: null, mismatched: [] });
    const links = await withDb(dbName, (db) => db.getAll(S.ledger));
    expect(links.map((l) => l.body.type)).toEqual(['genesis', 'user.add', 'group.add', 'member.add', 'member.add']);
    const later = await vault.unlock({ userId: bob.id, password: OWN });
    expect(later.ledgerReport).toEqual({ problem: null, mismatched: [] });
    expect(await later.keys.reveal(key.id)).toBe('sk_live_1');
    const all = await withDb(dbName, (db) => db.getAll(S.ledger));
    expect(all[all.length - 1]!.body).toMatchObject({ type: 'user.keys', id: bob.id, first: null });
    const carol = await owner.directory.addUser({ name: 'Carol', password: ONE_TIME, role: 'member' });
    await owner.access.grant(key.id, carol.id, 'view');
    expect((await owner.access.list(key.id)).map((g) => g.principalId)).toContain(carol.id);
    const names = (await withDb(dbName, (db) => db.getAll(S.users))).map((u) => [u.name, toBase64Url(u.pin ?? new Uint8Array()).length > 0]);
    expect(names).toEqual(expect.arrayContaining([['Ada', true], ['Bob', true]]));
  });

  it('a member who makes her row say "owner" in that window starts nothing the real owner accepts', async () => {
    const { vault, session, dbName } = await createdVault();
    const mallory = await addAndSignIn(vault, session, 'Mallory', 'member');
    const key = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    await session.lock();
    await mallory.session.lock();
    await asVersion2(dbName);
    await withDb(dbName, async (db) => {
      const m = (await db.get(S.users, mallory.id))!;
      await db.put(S.users, { ...m, role: 'owner' });
    });
    await (await vault.unlock({ userId: mallory.id, password: OWN })).lock();
    // Two rows now say "owner": the real owner picks themself by id.
    const owner = await vault.unlock({ userId: session.user.id, password: PASSWORD });
    expect(owner.ledgerReport.problem?.why).toBe('the ledger was started by someone other than you, the owner');
    expect(await owner.keys.reveal(key.id)).toBe('sk_live_1');
  });
});

describe('links from another tab', () => {
  it('a session already open verifies the links another session adds, and grants to the user they add', async () => {
    const { vault, session } = await createdVault();
    const other = await vault.unlock({ password: PASSWORD });
    const key = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    const bob = await other.directory.addUser({ name: 'Bob', password: ONE_TIME, role: 'member' });
    // The first session never saw Bob's link until now: its guard reads and verifies it before the grant.
    await session.access.grant(key.id, bob.id, 'use');
    expect((await session.directory.principals()).map((p) => p.name)).toContain('Bob');
    const first = await vault.unlock({ userId: bob.id, password: ONE_TIME });
    await first.credentials.changePassword(ONE_TIME, OWN);
    expect(await first.keys.reveal(key.id)).toBe('sk_live_1');
    // Bob's new keys (his first sign-in's link) reach the owner's open session too: a new grant wraps for them.
    const second = await session.keys.create({ name: 'Deploy', value: 'deploy-token', format: 'text', tags: [], notes: '' });
    await session.access.grant(second.id, bob.id, 'use');
    first.forgetCached(); // what the tabs' "changed" message does in the app
    expect(await first.keys.reveal(second.id)).toBe('deploy-token');
  });
});

describe('every directory change keeps the ledger and the rows in step', () => {
  it('after users, roles, groups and members change, a fresh unlock verifies the ledger and finds no row it does not back', async () => {
    const { vault, session, dbName } = await createdVault();
    const bob = await addAndSignIn(vault, session, 'Bob', 'member');
    const carol = await addAndSignIn(vault, session, 'Carol', 'admin');
    const dave = await session.directory.addUser({ name: 'Dave', password: ONE_TIME, role: 'auditor' });
    const ops = await session.directory.createGroup('Ops', [bob.id]);
    await session.directory.addMember(ops.id, carol.id);
    const key = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    await session.access.grant(key.id, ops.id, 'use');
    await session.directory.removeMember(ops.id, bob.id);
    await session.directory.setUserRole(carol.id, 'member');
    await session.directory.setUserRole(dave.id, 'member');
    const temp = await session.directory.createGroup('Temp');
    await session.directory.deleteGroup(temp.id);
    await session.directory.removeUser(bob.id);
    await session.lock();
    const types = (await withDb(dbName, (db) => db.getAll(S.ledger))).map((l) => l.body.type);
    expect(types).toEqual([
      'genesis',
      'user.add', 'user.keys', // Bob, his first sign-in
      'user.add', 'user.keys', // Carol
      'user.add', // Dave
      'group.add', 'member.add', 'member.add', // Ops with Ada and Bob
      'member.add', // Carol
      'member.remove', 'group.keys', // Bob leaves Ops
      'user.role', 'user.role',
      'group.add', 'member.add', 'group.remove', // Temp
      'user.remove', // Bob
    ]);
    for (const who of [{ password: PASSWORD }, { userId: carol.id, password: OWN }]) {
      const s = await vault.unlock(who);
      expect(s.ledgerReport).toEqual({ problem: null, mismatched: [] });
      await s.lock();
    }
    const owner = await vault.unlock({ password: PASSWORD });
    expect((await owner.directory.users()).map((u) => [u.name, u.role]).sort()).toEqual([['Ada', 'owner'], ['Carol', 'member'], ['Dave', 'member']]);
    expect(await owner.keys.reveal(key.id)).toBe('sk_live_1');
  });
});

describe('two sessions changing the directory at once', () => {
  it('the second write finds the ledger moved, reads the new link and signs after it: both links stand', async () => {
    const { vault, session, dbName } = await createdVault();
    const other = await vault.unlock({ password: PASSWORD });
    await Promise.all([
      session.directory.addUser({ name: 'Bob', password: ONE_TIME, role: 'member' }),
      other.directory.addUser({ name: 'Carol', password: ONE_TIME, role: 'member' }),
    ]);
    const links = await withDb(dbName, (db) => db.getAll(S.ledger));
    expect(links.map((l) => [l.seq, l.body.type])).toEqual([
      [0, 'genesis'],
      [1, 'user.add'],
      [2, 'user.add'],
    ]);
    const fresh = await vault.unlock({ password: PASSWORD });
    expect(fresh.ledgerReport).toEqual({ problem: null, mismatched: [] });
    expect((await fresh.directory.users()).map((u) => u.name).sort()).toEqual(['Ada', 'Bob', 'Carol']);
  });
});
