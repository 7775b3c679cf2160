import { describe, expect, it } from 'vitest';
import { GRANTABLE, openVault, type UserId } from '../../vault';
import { createdVault, TEST_ITERATIONS } from '../../../test/unit/helpers';
import {
  grantedByLabel,
  grantedText,
  grantLevelsFor,
  groupNamesOf,
  keyAbilities,
  principalLabel,
  removalNote,
  removalRefusals,
  memberRemovedText,
  removedText,
  revokeRefusal,
  revokeResultText,
  roleAbilities,
  signedInText,
} from './access-text';

const id = (s: string) => s as UserId;

describe('access text', () => {
  it('says who is signed in, with the role', () => {
    expect(signedInText({ name: 'Ada', role: 'owner' })).toBe('Signed in as Ada (Owner)');
    expect(signedInText({ name: 'Bob', role: 'member' })).toBe('Signed in as Bob (Member)');
  });

  it('offers each role only the views and actions its role allows', () => {
    expect(roleAbilities('owner')).toEqual({ createKeys: true, audit: true, backups: true, settings: true, users: true });
    expect(roleAbilities('admin')).toEqual({ createKeys: true, audit: true, backups: true, settings: true, users: true });
    expect(roleAbilities('member')).toEqual({ createKeys: true, audit: false, backups: false, settings: false, users: false });
    expect(roleAbilities('auditor')).toEqual({ createKeys: false, audit: true, backups: false, settings: false, users: false });
  });

  it('offers key controls by grant: use reveals, rotate rotates, manage manages', () => {
    expect(keyAbilities('view')).toEqual({ use: false, rotate: false, manage: false });
    expect(keyAbilities('use')).toEqual({ use: true, rotate: false, manage: false });
    expect(keyAbilities('rotate')).toEqual({ use: true, rotate: true, manage: false });
    expect(keyAbilities('manage')).toEqual({ use: true, rotate: true, manage: true });
    expect(keyAbilities('owner')).toEqual({ use: true, rotate: true, manage: true });
    expect(keyAbilities(null)).toEqual({ use: false, rotate: false, manage: false });
  });

  it('grants an auditor "view" only; users of other roles and groups any grantable level', () => {
    expect(grantLevelsFor({ kind: 'user', role: 'auditor' })).toEqual(['view']);
    expect(grantLevelsFor({ kind: 'user', role: 'member' })).toEqual(GRANTABLE);
    expect(grantLevelsFor({ kind: 'group' })).toEqual(GRANTABLE);
    expect(grantLevelsFor(undefined)).toEqual(GRANTABLE);
    expect(GRANTABLE).not.toContain('owner');
  });

  it('labels grantees and who granted', () => {
    expect(principalLabel({ kind: 'user', name: 'Bob', role: 'member' })).toBe('Bob (Member)');
    expect(principalLabel({ kind: 'group', name: 'security' })).toBe('security (group)');
    const people = [{ id: 'u1', name: 'Ada' }, { id: 'u2', name: 'Bob' }];
    expect(grantedByLabel(null, { id: 'u1' }, people)).toBe('—');
    expect(grantedByLabel('u1', { id: 'u1' }, people)).toBe('You');
    expect(grantedByLabel('u2', { id: 'u1' }, people)).toBe('Bob');
    expect(grantedByLabel('gone', { id: 'u1' }, people)).toBe('Removed user');
    expect(grantedText('Bob', 'use')).toBe('Granted “Use” to Bob: reveal, copy and export the value.');
  });

  it('says what a revoke did: rotated, re-keyed only (needs a new value), or neither', () => {
    expect(revokeResultText('Bob', { rekeyed: true, rotated: true })).toMatch(/re-keyed and rotated to a new version/);
    const imported = revokeResultText('Bob', { rekeyed: true, rotated: false });
    expect(imported).toMatch(/re-keyed/);
    expect(imported).toMatch(/rotate it with a new value/);
    expect(revokeResultText('Bob', { rekeyed: false, rotated: false })).toMatch(/not re-keyed or rotated/);
  });

  it('knows why a removal is refused: yourself, the owner, the last admin', () => {
    const ada = { id: id('a'), name: 'Ada', role: 'owner' as const };
    const bob = { id: id('b'), name: 'Bob', role: 'member' as const };
    const carol = { id: id('c'), name: 'Carol', role: 'admin' as const };
    expect(removalRefusals(bob, ada, [ada, bob])).toEqual([]);
    expect(removalRefusals(carol, ada, [ada, bob, carol])).toEqual([]);
    const self = removalRefusals(ada, ada, [ada, bob]);
    expect(self).toHaveLength(3);
    expect(self[0]).toMatch(/cannot remove yourself/);
    expect(self[1]).toMatch(/is the owner/);
    expect(self[2]).toMatch(/at least one admin, and Ada is the only one/);
    // Carol, the only admin in a vault whose owner is gone (restored from an old backup, say).
    expect(removalRefusals(carol, bob, [bob, carol])).toEqual(['The vault must keep at least one admin, and Carol is the only one.']);
    expect(removalRefusals(carol, carol, [ada, carol])).toEqual(['You cannot remove yourself: ask another admin.']);
  });

  it('offers Remove only where it would work, and otherwise says in one line who can (issue #17)', () => {
    const ada = { id: id('a'), name: 'Ada', role: 'owner' as const };
    const bob = { id: id('b'), name: 'Bob', role: 'member' as const };
    const carol = { id: id('c'), name: 'Carol', role: 'admin' as const };
    expect(removalNote(bob, ada, [ada, bob])).toBeNull();
    expect(removalNote(carol, ada, [ada, bob, carol])).toBeNull();
    expect(removalNote(ada, ada, [ada, bob])).toBe('The owner stays with the vault.');
    expect(removalNote(ada, carol, [ada, carol])).toBe('The owner stays with the vault.');
    expect(removalNote(carol, carol, [ada, carol])).toBe('Another admin can remove you.');
    expect(removalNote(carol, carol, [bob, carol])).toMatch(/^You are the only admin/);
    expect(removalNote(carol, bob, [bob, carol])).toMatch(/^The only admin/);
  });

  it('names groups and removals', () => {
    const groups = [{ id: 'g1', name: 'security' }, { id: 'g2', name: 'ops' }];
    expect(groupNamesOf(['g1', 'g2', 'gone'], groups)).toBe('ops, security');
    expect(groupNamesOf([], groups)).toBe('—');
    expect(removedText('Bob', { groupsRekeyed: 1, groupsNotRekeyed: 0 })).toBe('Bob was removed: their password opens nothing now, and their grants and memberships are gone.');
    expect(removedText('Bob', { groupsRekeyed: 0, groupsNotRekeyed: 2 })).toMatch(/2 groups they were in keep their old group key/);
  });

  it('says what a removal did to the keys the person could open (issue #14)', () => {
    const all = removedText('Bob', { groupsRekeyed: 0, groupsNotRekeyed: 0, keysRekeyed: 3, keysNotRekeyed: 0, keysRotated: 3 });
    expect(all).toContain('The 3 keys they could open have new data keys, and all were rotated: a data key they kept opens nothing written from now on.');
    const some = removedText('Bob', { groupsRekeyed: 0, groupsNotRekeyed: 0, keysRekeyed: 2, keysNotRekeyed: 1, keysRotated: 1 });
    expect(some).toContain('The 2 keys they could open have new data keys, and 1 of them was rotated');
    expect(some).toContain('1 key they could open keeps its old data key: you do not manage it; ask someone who does to rotate it.');
    expect(removedText('Bob', { groupsRekeyed: 0, groupsNotRekeyed: 0, keysRekeyed: 1, keysNotRekeyed: 0, keysRotated: 0 })).toContain(
      'The 1 key they could open has a new data key: a data key',
    );
    expect(removedText('Bob', { groupsRekeyed: 0, groupsNotRekeyed: 0, keysRekeyed: 0, keysNotRekeyed: 0, keysRotated: 0 })).toBe(
      'Bob was removed: their password opens nothing now, and their grants and memberships are gone.',
    );
    expect(memberRemovedText('Bob', 'ops', { keysRekeyed: 1, keysNotRekeyed: 0, keysRotated: 1 })).toBe(
      'Bob was removed from ops. The group got a new key, and its grants were wrapped again for those who stay. The 1 key they could open has a new data key, and it was rotated: a data key they kept opens nothing written from now on.',
    );
  });

  it('offers "Revoke" on every row but your own grant and the grant your own access comes through', () => {
    const me = { id: 'c' };
    expect(revokeRefusal({ principalId: 'b', name: 'Bob', yourAccess: false }, me)).toBeNull();
    expect(revokeRefusal({ principalId: 'g', name: 'ops', yourAccess: false }, me)).toBeNull();
    expect(revokeRefusal({ principalId: 'g', name: 'ops', yourAccess: true }, me)).toBe('Your own access to this key comes through ops: ask another manager of this key to revoke it.');
    // Your own grant, whether your access comes through it or through a group giving more.
    expect(revokeRefusal({ principalId: 'c', name: 'Carol', yourAccess: true }, me)).toBe('Your own grant: another manager of this key can change it.');
    expect(revokeRefusal({ principalId: 'c', name: 'Carol', yourAccess: false }, me)).toMatch(/^Your own grant/);
  });
});

describe('revokeRefusal agrees with the vault', () => {
  it('every row it offers, the vault revokes; every row it refuses, the vault refuses', async () => {
    // Carol manages the key through the group "ops" and holds a lower grant of her own; Ada (owner) and Bob hold it too.
    const { vault, session: ada, dbName } = await createdVault();
    const key = await ada.keys.create({ name: 'Stripe live', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    const bob = await ada.directory.addUser({ name: 'Bob', password: 'one-time password 1', role: 'member' });
    const carolInfo = await ada.directory.addUser({ name: 'Carol', password: 'one-time password 1', role: 'member' });
    const first = await vault.unlock({ userId: carolInfo.id, password: 'one-time password 1' });
    await first.credentials.changePassword('one-time password 1', 'carol own passphrase');
    await first.lock();
    const ops = await ada.directory.createGroup('ops', [carolInfo.id]);
    await ada.access.grant(key.id, ops.id, 'manage');
    await ada.access.grant(key.id, bob.id, 'use');
    await ada.access.grant(key.id, carolInfo.id, 'use');
    const carol = await (await openVault({ dbName, kdfFloor: TEST_ITERATIONS })).unlock({ userId: carolInfo.id, password: 'carol own passphrase' });
    const me = { id: carolInfo.id };

    let entries = await carol.access.list(key.id);
    expect(entries.map((e) => [e.name, e.yourAccess]).sort()).toEqual([
      ['Ada', false],
      ['Bob', false],
      ['Carol', false],
      ['ops', true],
    ]);
    const refused = entries.filter((e) => revokeRefusal(e, me) !== null).map((e) => e.name);
    expect(refused.sort()).toEqual(['Carol', 'ops']);
    for (const e of entries.filter((x) => revokeRefusal(x, me) !== null)) {
      await expect(carol.access.revoke(key.id, e.principalId, { rotate: false })).rejects.toMatchObject({ code: 'InvalidInput', field: 'principal' });
    }
    for (const e of entries.filter((x) => revokeRefusal(x, me) === null)) await carol.access.revoke(key.id, e.principalId, { rotate: false });
    entries = await carol.access.list(key.id);
    expect(entries.map((e) => e.name).sort()).toEqual(['Carol', 'ops']);
    // Ada (a member of ops, as its creator) now holds the key through ops too: from her side that row is refused.
    const fromAda = await ada.access.list(key.id);
    expect(fromAda.filter((e) => revokeRefusal(e, { id: ada.user.id }) === null).map((e) => e.name)).toEqual(['Carol']);
  });
});
