// Owns the words and the small decisions of access control in the UI (issue #6): role and grant names, what a role or
// a grant lets the page offer, which levels a grantee can get, why a removal is refused, and a revoke's outcome.
// The vault's guard and key hierarchy decide for real; this only keeps the page from offering what would be refused.

import { atLeast, GRANTABLE, isAdmin, roleAllows, type AccessEntry, type Operation, type Permission, type PrincipalInfo, type Role, type UserId } from '../../vault';

export const ROLE_LABELS: Readonly<Record<Role, string>> = Object.freeze({
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  auditor: 'Auditor',
});

/** What each role may do, in one line (the Users & groups screen and the role picker's hint). */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = Object.freeze({
  owner: 'Created the vault; an admin who cannot be removed.',
  admin: 'Manages users, groups, backups and settings, and the keys granted to them.',
  member: 'Uses the keys granted to them and creates their own.',
  auditor: 'Reads the audit log and reports; never sees key material.',
});

export const PERMISSION_LABELS: Readonly<Record<Permission, string>> = Object.freeze({
  view: 'View',
  use: 'Use',
  rotate: 'Rotate',
  manage: 'Manage',
  owner: 'Owner',
});

/** What a grant at each level allows (each level includes the ones below it). */
export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = Object.freeze({
  view: 'name and metadata only',
  use: 'reveal, copy and export the value',
  rotate: 'use, rotate and change the rotation policy',
  manage: 'everything, including grants, state and destruction',
  owner: 'created the key; everything',
});

/** "Signed in as Ada Lovelace (Owner)" – the header's indicator. */
export function signedInText(user: { name: string; role: Role }): string {
  return `Signed in as ${user.name} (${ROLE_LABELS[user.role]})`;
}

/** What the vault screen offers a role: views and the "New key" button. */
export interface RoleAbilities {
  readonly createKeys: boolean;
  readonly audit: boolean;
  readonly backups: boolean;
  readonly settings: boolean;
  readonly users: boolean;
}

export function roleAbilities(role: Role): RoleAbilities {
  const can = (op: Operation) => roleAllows(role, op);
  return Object.freeze({
    createKeys: can('key.create'),
    audit: can('audit.read'),
    backups: can('backup.export'),
    settings: can('settings.change'),
    users: can('users.manage'),
  });
}

/** What a key's detail offers for the signed-in user's grant on it. */
export interface KeyAbilities {
  /** Reveal, copy, export (the material). */
  readonly use: boolean;
  /** Rotate, rotation policy, versions to keep, oldest usable version, mark compromised. */
  readonly rotate: boolean;
  /** Edit, state changes, destruction, record removal, the Access panel. */
  readonly manage: boolean;
}

export function keyAbilities(permission: Permission | null | undefined): KeyAbilities {
  return Object.freeze({ use: atLeast(permission, 'use'), rotate: atLeast(permission, 'rotate'), manage: atLeast(permission, 'manage') });
}

/** The levels a principal can be granted: an auditor never sees key material, so "view" only. */
export function grantLevelsFor(principal: Pick<PrincipalInfo, 'kind' | 'role'> | undefined): readonly Permission[] {
  if (principal?.kind === 'user' && principal.role === 'auditor') return ['view'];
  return GRANTABLE;
}

/** "Bob (Member)" or "security (group)" for the grantee picker. */
export function principalLabel(p: Pick<PrincipalInfo, 'kind' | 'name' | 'role'>): string {
  if (p.kind === 'group') return `${p.name} (group)`;
  return p.role ? `${p.name} (${ROLE_LABELS[p.role]})` : p.name;
}

/** The sentence after a revoke: whether the key was re-keyed and rotated, or still needs a new value. */
export function revokeResultText(name: string, result: { rekeyed: boolean; rotated: boolean }): string {
  if (!result.rekeyed) return `Access of ${name} revoked. The key was not re-keyed or rotated: anything they saw still works.`;
  if (result.rotated) return `Access of ${name} revoked. The key was re-keyed and rotated to a new version.`;
  return `Access of ${name} revoked and the key re-keyed. It cannot make its own new value (imported or pasted, or not in a rotatable state): rotate it with a new value, since they may have seen the current one.`;
}

/**
 * Why the Access panel offers no "Revoke" on a row, or null where it does. The vault (Session.revokeAccess) refuses
 * to revoke your own grant, and the grant your own access comes through (a group you belong to). It also refuses
 * to leave a key without a manager, but that cannot happen from the panel: it is shown to a manager, whose own
 * managing grant stays.
 */
export function revokeRefusal(entry: Pick<AccessEntry, 'principalId' | 'name' | 'yourAccess'>, me: { id: string }): string | null {
  if (entry.principalId === me.id) return 'Your own grant: another manager of this key can change it.';
  if (entry.yourAccess) return `Your own access to this key comes through ${entry.name}: ask another manager of this key to revoke it.`;
  return null;
}

/** What the revoke dialog says before the person confirms. */
export function revokeQuestion(name: string, keyName: string): string {
  return `Revoke the access of ${name} to ${keyName}? The key gets a new data key, wrapped again for everyone who keeps access, and is rotated, because ${name} may have seen the value.`;
}

/**
 * Why removing a user would be refused, by the rules the page can see (the vault checks them again, and also refuses
 * while the user alone manages some key). An empty list: nothing known stands in the way.
 */
export function removalRefusals(target: { id: UserId; role: Role; name: string }, me: { id: UserId }, users: readonly { id: UserId; role: Role }[]): string[] {
  const reasons: string[] = [];
  if (target.id === me.id) reasons.push('You cannot remove yourself: ask another admin.');
  if (target.role === 'owner') reasons.push(`${target.name} is the owner: the vault keeps its owner, who stays an admin.`);
  if (isAdmin(target.role) && users.filter((u) => isAdmin(u.role)).length <= 1) reasons.push(`The vault must keep at least one admin, and ${target.name} is the only one.`);
  return reasons;
}

/**
 * What the users table shows instead of "Remove" where the removal would be refused: one short line that says who
 * can (issue #17: no button that is offered and then refused). null: "Remove" is offered.
 */
export function removalNote(target: { id: UserId; role: Role; name: string }, me: { id: UserId }, users: readonly { id: UserId; role: Role }[]): string | null {
  const onlyAdmin = isAdmin(target.role) && users.filter((u) => isAdmin(u.role)).length <= 1;
  if (target.role === 'owner') return 'The owner stays with the vault.';
  if (target.id === me.id) return onlyAdmin ? 'You are the only admin: make another user an admin, who can then remove you.' : 'Another admin can remove you.';
  if (onlyAdmin) return `The only admin: make another user an admin first.`;
  return null;
}

/** Group names of a user, for the users table ("—" when none). */
export function groupNamesOf(groupIds: readonly string[], groups: readonly { id: string; name: string }[]): string {
  const names = groupIds.map((id) => groups.find((g) => g.id === id)?.name).filter((n): n is string => n !== undefined);
  return names.length === 0 ? '—' : names.sort((a, b) => a.localeCompare(b)).join(', ');
}

/** The sentence after a user is removed; groups and keys this admin could not renew are named by count. */
export function removedText(
  name: string,
  result: { groupsRekeyed: number; groupsNotRekeyed: number; keysRekeyed?: number; keysNotRekeyed?: number; keysRotated?: number },
): string {
  const parts = [`${name} was removed: their password opens nothing now, and their grants and memberships are gone.`];
  if (result.groupsNotRekeyed > 0) {
    const n = result.groupsNotRekeyed;
    parts.push(`${n === 1 ? '1 group they were in keeps its' : `${n} groups they were in keep their`} old group key until a member of ${n === 1 ? 'it' : 'each'} changes the membership.`);
  }
  parts.push(...rekeyedSentences(result));
  return parts.join(' ');
}

/** After a group member is removed: the same account of the keys the group holds. */
export function memberRemovedText(name: string, group: string, result: { keysRekeyed: number; keysNotRekeyed: number; keysRotated: number }): string {
  return [`${name} was removed from ${group}. The group got a new key, and its grants were wrapped again for those who stay.`, ...rekeyedSentences(result)].join(' ');
}

/** What removal did to the keys the person could open (issue #14): new data keys, rotations, and keys left as they were. */
function rekeyedSentences(result: { keysRekeyed?: number; keysNotRekeyed?: number; keysRotated?: number }): string[] {
  const out: string[] = [];
  const rekeyed = result.keysRekeyed ?? 0;
  const rotated = result.keysRotated ?? 0;
  if (rekeyed > 0) {
    const rotatedPart = rotated === 0 ? '' : `, and ${rotated === rekeyed ? (rotated === 1 ? 'it was' : 'all were') : `${rotated} of them ${rotated === 1 ? 'was' : 'were'}`} rotated`;
    out.push(`${rekeyed === 1 ? 'The 1 key they could open has a new data key' : `The ${rekeyed} keys they could open have new data keys`}${rotatedPart}: a data key they kept opens nothing written from now on.`);
  }
  const left = result.keysNotRekeyed ?? 0;
  if (left > 0) {
    out.push(`${left === 1 ? '1 key they could open keeps its' : `${left} keys they could open keep their`} old data key: you do not manage ${left === 1 ? 'it' : 'them'}; ask someone who does to rotate ${left === 1 ? 'it' : 'them'}.`);
  }
  return out;
}

/** What the Access panel needs, bound to the selected key. */
export interface AccessControls {
  list: () => Promise<AccessEntry[]>;
  principals: () => Promise<PrincipalInfo[]>;
  grant: (principalId: string, permission: Permission) => Promise<void>;
  revoke: (principalId: string, options: { rotate: boolean }) => Promise<{ rekeyed: boolean; rotated: boolean }>;
}

/** Who granted an entry: a name from the directory, "you", or "—" for the key's own creation grant. */
export function grantedByLabel(grantedBy: string | null, me: { id: string }, principals: readonly Pick<PrincipalInfo, 'id' | 'name'>[]): string {
  if (grantedBy === null) return '—';
  if (grantedBy === me.id) return 'You';
  return principals.find((p) => p.id === grantedBy)?.name ?? 'Removed user';
}

/** The sentence after a grant: "Granted “Use” to Bob: reveal, copy and export the value." */
export function grantedText(name: string, level: Permission): string {
  return `Granted “${PERMISSION_LABELS[level]}” to ${name}: ${PERMISSION_DESCRIPTIONS[level]}.`;
}
