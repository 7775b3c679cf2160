// Tests for passkey slots (issue #18): adding one (password first), unlocking with it, the refusals (wrong, short, long,
// all-zero PRF output, unknown credential) recorded like a wrong password, user-key rotation re-wrapping the slots
// without the authenticator, a password change leaving them byte-identical, and removal. The authenticator is a fake:
// its PRF is HMAC-SHA256 over the salt with a secret of its own, as CTAP2's hmac-secret is.

import { describe, expect, it } from 'vitest';
import { PASSWORD, TEST_ITERATIONS, createdVault, dumpDb, rejectsWith } from '../../test/unit/helpers';
import { DB, openKeywardDb, type PasskeySlotRow } from '../storage';
import { openVault, type Session, type Vault } from './index';
import { newVault } from '../../test/unit/helpers';
import { checkPayloadRows } from './payload-rows';
import { applyUserKeyChange, prepareUserKeyRotation } from './user-keys';
import { withTx } from '../storage';

const S = DB.stores;

/** A fake authenticator: one credential id and a secret that only it holds. */
function authenticator(seed: number) {
  const credentialId = Uint8Array.from({ length: 16 }, (_, i) => (seed * 31 + i) & 0xff);
  const secret = crypto.getRandomValues(new Uint8Array(32));
  return {
    credentialId,
    async prf(salt: Uint8Array): Promise<Uint8Array> {
      const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return new Uint8Array(await crypto.subtle.sign('HMAC', key, new Uint8Array(salt)));
    },
  };
}
type Authenticator = ReturnType<typeof authenticator>;

async function addPasskey(session: Session, auth: Authenticator, name = 'YubiKey 5C') {
  const enrolment = await session.passkeys.begin(PASSWORD);
  return enrolment.finish({ name, credentialId: auth.credentialId, prfOutput: await auth.prf(enrolment.prfSalt) });
}

/** What the unlock screen does: the salts for the user, the authenticator answers for its own credential. */
async function unlockWith(vault: Vault, auth: Authenticator, userId?: string): Promise<Session> {
  const requests = await vault.passkeyRequests(userId as never);
  const mine = requests.find((r) => r.credentialId.every((b, i) => b === auth.credentialId[i]) && r.credentialId.length === auth.credentialId.length);
  const prfOutput = await auth.prf(mine?.prfSalt ?? new Uint8Array(32).fill(1));
  return vault.unlockWithPasskey({ credentialId: auth.credentialId, prfOutput, ...(userId ? { userId: userId as never } : {}) });
}

async function userRow(dbName: string) {
  const db = await openKeywardDb({ name: dbName });
  try {
    return (await db.getAll(S.users)).find((u) => u.role === 'owner')!;
  } finally {
    db.close();
  }
}

async function pendingCount(dbName: string): Promise<number> {
  const db = await openKeywardDb({ name: dbName });
  try {
    return await db.count(S.auditPending);
  } finally {
    db.close();
  }
}

async function secretOf(session: Session): Promise<string> {
  const [k] = await session.keys.list();
  return session.keys.reveal(k!.id);
}

async function withKey() {
  const made = await createdVault();
  await made.session.keys.create({ name: 'Stripe live key', value: 'sk_live_abc123', format: 'text', tags: [], notes: '' });
  return made;
}

describe('adding a passkey', () => {
  it('asks the password first, then stores a slot: name, credential id, a 32-byte salt, dates, three wrappings and nothing in clear', async () => {
    const { session, dbName, clock } = await withKey();
    const auth = authenticator(1);
    await rejectsWith(session.passkeys.begin('not the password at all'), 'WrongPassword');
    const info = await addPasskey(session, auth);
    expect(info).toEqual({ id: expect.any(String), name: 'YubiKey 5C', createdAt: clock.now(), lastUsedAt: null });
    expect(await session.passkeys.list()).toEqual([info]);
    const [slot] = (await userRow(dbName)).passkeys as PasskeySlotRow[];
    expect(slot!.credentialId).toEqual(auth.credentialId);
    expect(slot!.prfSalt).toHaveLength(32);
    for (const w of [slot!.wrappedSlotKey, slot!.slotKeyUnderUser, slot!.wrappedUserKey]) expect(w).toHaveLength(61);
    const report = await session.audit.report({ actions: ['passkey.add'] });
    expect(report.page.map((e) => [e.action, e.details])).toEqual([['passkey.add', { passkey: 'YubiKey 5C', slotId: info.id, client: expect.any(String) }]]);
  });

  it('each slot gets its own salt; the unlock screen gets credential ids and salts, nothing else', async () => {
    const { session, vault } = await withKey();
    await addPasskey(session, authenticator(1), 'one');
    await addPasskey(session, authenticator(2), 'two');
    const requests = await vault.passkeyRequests();
    expect(requests).toHaveLength(2);
    for (const r of requests) expect(Object.keys(r).sort()).toEqual(['credentialId', 'prfSalt']);
    expect(requests[0]!.prfSalt).not.toEqual(requests[1]!.prfSalt);
  });

  const badOutputs: [string, (good: Uint8Array) => unknown][] = [
    ['empty', () => new Uint8Array(0)],
    ['16 bytes', (g) => g.subarray(0, 16)],
    ['33 bytes', (g) => Uint8Array.of(...g, 1)],
    ['all zero', () => new Uint8Array(32)],
    ['not bytes', () => 'a'.repeat(32)],
  ];
  for (const [name, make] of badOutputs) {
    it(`refuses a PRF output that is ${name} and stores nothing`, async () => {
      const { session, dbName } = await withKey();
      const enrolment = await session.passkeys.begin(PASSWORD);
      const before = await dumpDb(dbName);
      await rejectsWith(enrolment.finish({ name: 'Key', credentialId: authenticator(1).credentialId, prfOutput: make(new Uint8Array(32).fill(7)) as Uint8Array }), 'PasskeyRefused');
      expect(await dumpDb(dbName)).toBe(before);
    });
  }

  it('refuses a bad name or credential id, the same authenticator twice, and a finish after lock', async () => {
    const { session } = await withKey();
    const auth = authenticator(1);
    const e1 = await session.passkeys.begin(PASSWORD);
    const prfOutput = await auth.prf(e1.prfSalt);
    await rejectsWith(e1.finish({ name: '  ', credentialId: auth.credentialId, prfOutput }), 'InvalidInput', 'passkeyName');
    const e2 = await session.passkeys.begin(PASSWORD);
    await rejectsWith(e2.finish({ name: 'x'.repeat(65), credentialId: auth.credentialId, prfOutput }), 'InvalidInput', 'passkeyName');
    const e3 = await session.passkeys.begin(PASSWORD);
    await rejectsWith(e3.finish({ name: 'Key', credentialId: new Uint8Array(0), prfOutput }), 'InvalidInput', 'credentialId');
    await addPasskey(session, auth);
    const e4 = await session.passkeys.begin(PASSWORD);
    expect(e4.existing).toEqual([auth.credentialId]);
    await rejectsWith(e4.finish({ name: 'Again', credentialId: auth.credentialId, prfOutput: await auth.prf(e4.prfSalt) }), 'InvalidInput', 'credentialId');
    const e5 = await session.passkeys.begin(PASSWORD);
    await session.lock();
    await rejectsWith(e5.finish({ name: 'Late', credentialId: authenticator(2).credentialId, prfOutput: await authenticator(2).prf(e5.prfSalt) }), 'Locked');
  });
});

describe('unlocking with a passkey', () => {
  it('opens the same vault as the password, sets "last used", and the unlock entry names the method and the passkey', async () => {
    const { session, vault, dbName, clock } = await withKey();
    const auth = authenticator(1);
    const info = await addPasskey(session, auth, 'Laptop');
    await session.lock();
    clock.advance(60_000);
    const opened = await unlockWith(vault, auth);
    expect(await secretOf(opened)).toBe('sk_live_abc123');
    expect((await opened.passkeys.list())[0]).toEqual({ ...info, lastUsedAt: clock.now() });
    const unlocks = await opened.audit.report({ actions: ['unlock'] });
    expect(unlocks.page[0]!.details).toMatchObject({ method: 'passkey', passkey: 'Laptop' });
    expect(JSON.stringify(unlocks.page[0]!.details)).not.toMatch(/prf|salt|credential/i);
    expect(await pendingCount(dbName)).toBe(0);
  });

  const refusals: [string, (auth: Authenticator, salt: Uint8Array) => Promise<{ credentialId: Uint8Array; prfOutput: unknown }>][] = [
    ['another authenticator\'s answer for this credential', async (a, salt) => ({ credentialId: a.credentialId, prfOutput: await authenticator(9).prf(salt) })],
    ['the right output for another salt', async (a) => ({ credentialId: a.credentialId, prfOutput: await a.prf(new Uint8Array(32).fill(3)) })],
    ['an output cut to 31 bytes', async (a, salt) => ({ credentialId: a.credentialId, prfOutput: (await a.prf(salt)).subarray(0, 31) })],
    ['an output of 64 bytes', async (a, salt) => ({ credentialId: a.credentialId, prfOutput: Uint8Array.of(...(await a.prf(salt)), ...(await a.prf(salt))) })],
    ['an all-zero output', async (a) => ({ credentialId: a.credentialId, prfOutput: new Uint8Array(32) })],
    ['no output', async (a) => ({ credentialId: a.credentialId, prfOutput: undefined })],
    ['an unknown credential', async (a, salt) => ({ credentialId: authenticator(5).credentialId, prfOutput: await a.prf(salt) })],
  ];
  for (const [name, answer] of refusals) {
    it(`refuses ${name} as PasskeyRefused, records a failed unlock, and folds it in at the next unlock`, async () => {
      const { session, vault, dbName } = await withKey();
      const auth = authenticator(1);
      await addPasskey(session, auth);
      await session.lock();
      const [request] = await vault.passkeyRequests();
      const input = await answer(auth, request!.prfSalt);
      await rejectsWith(vault.unlockWithPasskey(input as never), 'PasskeyRefused');
      expect(await pendingCount(dbName)).toBe(1);
      const again = await vault.unlock({ password: PASSWORD });
      const failed = await again.audit.report({ actions: ['unlock.failed'] });
      expect(failed.page).toHaveLength(1);
      expect(failed.page[0]!.outcome).toBe('failed');
    });
  }

  it('a user without passkeys, or an unknown user, gets no requests and is refused', async () => {
    const { session, vault } = await withKey();
    expect(await vault.passkeyRequests()).toEqual([]);
    expect(await vault.passkeyRequests('nobody' as never)).toEqual([]);
    await session.lock();
    await rejectsWith(vault.unlockWithPasskey({ credentialId: authenticator(1).credentialId, prfOutput: new Uint8Array(32).fill(1) }), 'PasskeyRefused');
  });

  it("one user's passkey does not open another user's vault key", async () => {
    const { session, vault } = await withKey();
    const auth = authenticator(1);
    await addPasskey(session, auth);
    const bob = await session.directory.addUser({ name: 'Bob', password: 'one-time password 1', role: 'member' });
    await session.lock();
    const [request] = await vault.passkeyRequests();
    await rejectsWith(vault.unlockWithPasskey({ userId: bob.id, credentialId: auth.credentialId, prfOutput: await auth.prf(request!.prfSalt) }), 'PasskeyRefused');
  });
});

describe('slots across password changes, user-key rotation and removal', () => {
  it('a password change leaves every slot byte-identical, and the passkey still unlocks', async () => {
    const { session, vault, dbName } = await withKey();
    const auth = authenticator(1);
    await addPasskey(session, auth);
    const before = (await userRow(dbName)).passkeys;
    await session.credentials.changePassword(PASSWORD, 'a brand new long password');
    expect((await userRow(dbName)).passkeys).toEqual(before);
    await session.lock();
    expect(await secretOf(await unlockWith(vault, auth))).toBe('sk_live_abc123');
  });

  it('a user-key rotation re-wraps every slot without the authenticator: the PRF wrapping stays, the passkey opens the new user key', async () => {
    const { session, vault, dbName } = await withKey();
    const [a, b] = [authenticator(1), authenticator(2)];
    await addPasskey(session, a, 'one');
    await addPasskey(session, b, 'two');
    const before = (await userRow(dbName)).passkeys!;
    await session.credentials.rotateUserKey(PASSWORD);
    const after = (await userRow(dbName)).passkeys!;
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    after.forEach((slot, i) => {
      expect(slot.wrappedSlotKey).toEqual(before[i]!.wrappedSlotKey);
      expect(slot.prfSalt).toEqual(before[i]!.prfSalt);
      expect(slot.wrappedUserKey).not.toEqual(before[i]!.wrappedUserKey);
      expect(slot.slotKeyUnderUser).not.toEqual(before[i]!.slotKeyUnderUser);
    });
    await session.lock();
    for (const auth of [a, b]) {
      const s = await unlockWith(vault, auth);
      expect(await secretOf(s)).toBe('sk_live_abc123');
      await s.lock();
    }
  });

  it('a rotation prepared before a passkey was added elsewhere is refused (ChangedElsewhere), so the new slot is neither lost nor left on the old key', async () => {
    const { session, dbName } = await withKey();
    await addPasskey(session, authenticator(1), 'one');
    const db = await openKeywardDb({ name: dbName });
    const userId = session.user.id;
    const change = await prepareUserKeyRotation(db, userId, PASSWORD);
    await addPasskey(session, authenticator(2), 'two');
    await expect(withTx(db, [S.users, S.grants, S.members], 'readwrite', (tx) => applyUserKeyChange(tx, change))).rejects.toMatchObject({ code: 'ChangedElsewhere' });
    expect((await db.get(S.users, userId))!.passkeys!.map((p) => p.name)).toEqual(['one', 'two']);
    db.close();
  });

  it('an old slot wrapping (before the rotation) put back does not open the vault: it holds the old user key', async () => {
    const { session, vault, dbName } = await withKey();
    const auth = authenticator(1);
    await addPasskey(session, auth);
    const old = (await userRow(dbName)).passkeys!;
    await session.credentials.rotateUserKey(PASSWORD);
    await session.lock();
    const db = await openKeywardDb({ name: dbName });
    const row = (await db.getAll(S.users))[0]!;
    await db.put(S.users, { ...row, passkeys: old });
    db.close();
    // It opens the old user key, which opens nothing stored now: refused as damaged data, no session.
    await rejectsWith(unlockWith(vault, auth), 'Corrupt');
  });

  it('a slot moved to another user or renamed to another slot id does not open (AAD binds user and slot)', async () => {
    const { session, vault, dbName } = await withKey();
    const auth = authenticator(1);
    await addPasskey(session, auth);
    await session.lock();
    const db = await openKeywardDb({ name: dbName });
    const row = (await db.getAll(S.users))[0]!;
    await db.put(S.users, { ...row, passkeys: row.passkeys!.map((s) => ({ ...s, id: 'AAAAAAAAAAAAAAAAAAAAAA' })) });
    db.close();
    await rejectsWith(unlockWith(vault, auth), 'PasskeyRefused');
  });

  it('removing a passkey: it no longer unlocks, the password and other passkeys still do, and the entry names it', async () => {
    const { session, vault } = await withKey();
    const [a, b] = [authenticator(1), authenticator(2)];
    const one = await addPasskey(session, a, 'one');
    await addPasskey(session, b, 'two');
    await session.passkeys.remove(one.id);
    expect((await session.passkeys.list()).map((p) => p.name)).toEqual(['two']);
    const removed = await session.audit.report({ actions: ['passkey.remove'] });
    expect(removed.page[0]!.details).toMatchObject({ passkey: 'one', slotId: one.id });
    await rejectsWith(session.passkeys.remove(one.id), 'NotFound');
    await session.lock();
    await rejectsWith(unlockWith(vault, a), 'PasskeyRefused');
    expect(await secretOf(await unlockWith(vault, b))).toBe('sk_live_abc123');
    expect(await secretOf(await vault.unlock({ password: PASSWORD }))).toBe('sk_live_abc123');
  });

  it('a second tab of the same vault unlocks with the passkey too (nothing is kept per tab)', async () => {
    const { session, dbName } = await withKey();
    const auth = authenticator(1);
    await addPasskey(session, auth);
    const other = await openVault({ dbName, kdfFloor: TEST_ITERATIONS });
    expect(await secretOf(await unlockWith(other, auth))).toBe('sk_live_abc123');
  });
});

describe('backups carry the slots', () => {
  it('a restore elsewhere keeps each slot: the same authenticator unlocks the restored vault, the password too', async () => {
    const { session } = await withKey();
    const auth = authenticator(1);
    await addPasskey(session, auth, 'Security key');
    const { bytes } = await session.backup.export({ password: 'backup password long enough' });
    const { vault: fresh } = await newVault();
    await fresh.restoreBackup(bytes, 'backup password long enough');
    expect(await secretOf(await unlockWith(fresh, auth))).toBe('sk_live_abc123');
  });

  it('a backup whose slot has a field of the wrong type is refused before anything is written', () => {
    const user = { id: 'u', name: 'Ada', role: 'owner', createdAt: 1, kdf: { name: 'PBKDF2-HMAC-SHA256', iterations: 600000, salt: new Uint8Array(16) }, wrappedUserKey: new Uint8Array(61), wrappedAuditKey: new Uint8Array(61) };
    const slot = { id: 's', name: 'Key', credentialId: new Uint8Array(16), prfSalt: new Uint8Array(32), createdAt: 1, lastUsedAt: null, wrappedSlotKey: new Uint8Array(61), slotKeyUnderUser: new Uint8Array(61), wrappedUserKey: new Uint8Array(61) };
    expect(() => checkPayloadRows({ users: [user] })).not.toThrow();
    expect(() => checkPayloadRows({ users: [{ ...user, passkeys: [slot] }] })).not.toThrow();
    for (const bad of [{ ...slot, prfSalt: 'salt' }, { ...slot, wrappedUserKey: null }, { ...slot, lastUsedAt: 'yesterday' }, 'slot']) {
      expect(() => checkPayloadRows({ users: [{ ...user, passkeys: [bad] }] })).toThrow(TypeError);
    }
    expect(() => checkPayloadRows({ users: [{ ...user, passkeys: slot }] })).toThrow(TypeError);
  });
});
