// Issue #14, authenticated key rows: key rows sealed before their fields were (context version 0, as every vault made
// before this change has them) still open, are upgraded by the first session holding their data key, and a legacy
// row's plaintext destroyAt never destroys anything early.
import { describe, expect, it } from 'vitest';
import { createdVault, PASSWORD } from '../../test/unit/helpers';
import { open, parseJson, seal, utf8Decode, utf8Encode, type DataKey } from '../crypto';
import { DB, openKeywardDb, withTx, type KeyRow } from '../storage';
import { aad } from './context';
import { DAY_MS } from './lifecycle';
import { openWrappedMetaKey } from './key-seal';
import { openGrant } from './principals';
import { openUserKey } from './user-keys';
import type { Session, Vault } from '.';

const S = DB.stores;

/** Rewrites key `id` as the version before this change wrote it: no fields, context version 0; `plain` changes the row. */
async function makeLegacy(dbName: string, userId: string, id: string, plain: Partial<KeyRow> = {}): Promise<void> {
  const db = await openKeywardDb({ name: dbName });
  try {
    const user = (await db.get(S.users, userId))!;
    const { userKey } = await openUserKey(user, PASSWORD);
    const grant = (await db.get(S.grants, [id, userId]))!;
    const { dek } = await openGrant(grant, userKey, undefined, true);
    const row = (await db.get(S.keys, id))!;
    let metaKey: DataKey = dek!;
    let wrappedMetaKey: Uint8Array | undefined;
    if (row.wrappedMetaKey) {
      const { raw } = await openWrappedMetaKey(id, dek!, row.wrappedMetaKey);
      wrappedMetaKey = await seal(dek!, raw, aad.metaKey(id));
      metaKey = (await crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt'])) as DataKey;
    }
    const { fields: _f, ...meta } = parseJson(utf8Decode(await open(metaKey, row.sealedMeta, aad.metaFields(id)))) as Record<string, unknown>;
    const sealedMeta = await seal(metaKey, utf8Encode(JSON.stringify(meta)), aad.meta(id));
    await withTx(db, [S.keys], 'readwrite', async (tx) => {
      await tx.objectStore(S.keys).put({ ...row, ...plain, sealedMeta, ...(wrappedMetaKey ? { wrappedMetaKey } : {}) });
    });
  } finally {
    db.close();
  }
}

async function storedRow(dbName: string, id: string): Promise<KeyRow> {
  const db = await openKeywardDb({ name: dbName });
  try {
    return (await db.get(S.keys, id))!;
  } finally {
    db.close();
  }
}

async function relock(vault: Vault, session: Session): Promise<Session> {
  await session.lock();
  return vault.unlock({ password: PASSWORD });
}

describe('legacy key rows (issue #14)', () => {
  it('open, are upgraded by the first due-work pass (one key.upgrade entry), and keep their values and view grants', async () => {
    const { vault, session, dbName } = await createdVault();
    const plain = await session.keys.create({ name: 'Plain', value: 'plain-1', format: 'text', tags: ['a'], notes: 'n' });
    const shared = await session.keys.create({ name: 'Shared', value: 'shared-1', format: 'text', tags: [], notes: '' });
    await session.lifecycle.rotate(shared.id, { value: 'shared-2' });
    const ann = await session.directory.addUser({ name: 'Ann', password: 'one-time password 1', role: 'auditor' });
    const annSession = await vault.unlock({ userId: ann.id, password: 'one-time password 1' });
    await annSession.credentials.changePassword('one-time password 1', 'ann own passphrase');
    await session.access.grant(shared.id, ann.id, 'view');
    await annSession.lock();
    await session.lock();
    for (const id of [plain.id, shared.id]) await makeLegacy(dbName, session.user.id, id);
    const before = await storedRow(dbName, shared.id);

    const s = await vault.unlock({ password: PASSWORD });
    expect((await s.keys.list()).map((k) => k.name).sort()).toEqual(['Plain', 'Shared']);
    expect(s.keys.unreadable()).toEqual([]);
    const done = await s.lifecycle.runDueWork();
    expect(done).toMatchObject({ upgraded: 2, destroyed: [], rotated: [], activated: [] });
    const entry = (await s.audit.report({ actions: ['key.upgrade'] })).page;
    expect(entry.map((e) => e.details)).toEqual([expect.objectContaining({ keys: 2 })]);
    // Sealed again in the current format: the new contexts open them, the legacy ones no longer do.
    const after = await storedRow(dbName, shared.id);
    expect(after.wrappedMetaKey).toBeInstanceOf(Uint8Array);
    expect(after.sealedMeta).not.toEqual(before.sealedMeta);
    expect(await s.keys.reveal(plain.id)).toBe('plain-1');
    expect(await s.keys.reveal(shared.id)).toBe('shared-2');
    expect(await s.keys.reveal(shared.id, 1)).toBe('shared-1');
    // A second pass has nothing left to upgrade.
    expect((await s.lifecycle.runDueWork()).upgraded).toBeUndefined();
    const again = await relock(vault, s);
    expect((await again.keys.list()).map((k) => [k.name, k.tags, k.notes, k.version])).toEqual(
      expect.arrayContaining([
        ['Plain', ['a'], 'n', 1],
        ['Shared', [], '', 2],
      ]),
    );
    expect(await again.keys.versions(shared.id)).toHaveLength(2);
    // The auditor still opens the metadata (the meta key stayed the same).
    const annAgain = await vault.unlock({ userId: ann.id, password: 'ann own passphrase' });
    expect((await annAgain.keys.list()).map((k) => k.name)).toEqual(['Shared']);
    // And the upgraded row now refuses a plaintext change.
    await again.lock();
    await withTx(await openKeywardDb({ name: dbName }), [S.keys], 'readwrite', async (tx) => {
      await tx.objectStore(S.keys).put({ ...(await tx.objectStore(S.keys).get(plain.id))!, destroyAt: 1 });
    });
    const third = await vault.unlock({ password: PASSWORD });
    expect((await third.keys.list()).map((k) => k.name)).toEqual(['Shared']);
    expect(third.keys.unreadable().map((u) => u.id)).toEqual([plain.id]);
  });

  it('a legacy row with "destroyAt: 1" and no scheduled destruction in its history loses nothing and is upgraded without one', async () => {
    const { vault, session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'K', value: 'k-1', format: 'text', tags: [], notes: '' });
    await session.lock();
    await makeLegacy(dbName, session.user.id, key.id, { destroyAt: 1 });
    const s = await vault.unlock({ password: PASSWORD });
    expect((await s.keys.get(key.id)).destroyAt).toBeNull();
    const done = await s.lifecycle.runDueWork();
    expect(done.destroyed).toEqual([]);
    expect(done.upgraded).toBe(1);
    expect((await storedRow(dbName, key.id)).destroyAt).toBeNull();
    expect(await s.keys.reveal(key.id)).toBe('k-1');
  });

  it('a legacy row whose destruction was really scheduled and is overdue waits the shortest waiting period from its upgrade', async () => {
    const { vault, session, dbName, clock } = await createdVault();
    const key = await session.keys.create({ name: 'K', value: 'k-1', format: 'text', tags: [], notes: '' });
    await session.lifecycle.scheduleDestruction(key.id, 7);
    await session.lock();
    await makeLegacy(dbName, session.user.id, key.id);
    clock.advance(10 * DAY_MS);
    const s = await vault.unlock({ password: PASSWORD });
    const done = await s.lifecycle.runDueWork();
    expect(done).toMatchObject({ destroyed: [], upgraded: 1 });
    expect((await s.keys.get(key.id)).destroyAt).toBe(clock.ms + 7 * DAY_MS);
    clock.advance(7 * DAY_MS);
    expect((await s.lifecycle.runDueWork()).destroyed).toEqual([key.id]);
  });
});
