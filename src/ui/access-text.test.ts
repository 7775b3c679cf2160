import { describe, expect, it } from 'vitest';
import { GRANTABLE, type UserId } from '../vault';
import {
  grantedByLabel,
  grantedText,
  grantLevelsFor,
  groupNamesOf,
  keyAbilities,
  principalLabel,
  removalRefusals,
  removedText,
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

  it('names groups and removals', () => {
    const groups = [{ id: 'g1', name: 'security' }, { id: 'g2', name: 'ops' }];
    expect(groupNamesOf(['g1', 'g2', 'gone'], groups)).toBe('ops, security');
    expect(groupNamesOf([], groups)).toBe('—');
    expect(removedText('Bob', { groupsRekeyed: 1, groupsNotRekeyed: 0 })).toBe('Bob was removed: their password opens nothing now, and their grants and memberships are gone.');
    expect(removedText('Bob', { groupsRekeyed: 0, groupsNotRekeyed: 2 })).toMatch(/2 groups they were in keep their old group key/);
  });
});
