// Owns the access rules: what each role may do, what each key operation needs of a grant, and the order
// of permissions. Pure functions, so the whole matrix is tested (access.test.ts). The session's one guard
// (Session#authorize) applies them; the key hierarchy enforces the same rules for anyone who skips it.

import type { Role } from './types';

/** A grant's level on one key, lowest first. "owner" is the creator's grant; "manage" is the most one grants. */
export const PERMISSIONS = ['view', 'use', 'rotate', 'manage', 'owner'] as const;
export type Permission = (typeof PERMISSIONS)[number];
/** What can be granted to someone else. */
export const GRANTABLE: readonly Permission[] = ['view', 'use', 'rotate', 'manage'];

export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'auditor'];
/** What an admin may give a user (there is one owner: the vault's creator). */
export const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'member', 'auditor'];

/** Every operation the guard knows. Key operations need a grant; the others need a role. */
export const OPERATIONS = [
  'key.create',
  'key.view',
  'key.use',
  'key.rotate',
  'key.manage',
  'users.manage',
  'groups.manage',
  'audit.read',
  'audit.manage',
  'backup.export',
  'backup.restore',
  'settings.change',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The grant a key operation needs. */
export const NEEDS: Partial<Record<Operation, Permission>> = {
  'key.view': 'view',
  'key.use': 'use',
  'key.rotate': 'rotate',
  'key.manage': 'manage',
};

export function atLeast(have: Permission | null | undefined, need: Permission): boolean {
  return have != null && PERMISSIONS.indexOf(have) >= PERMISSIONS.indexOf(need);
}

export function isAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/**
 * Whether a role may attempt an operation at all (a key operation also needs the grant).
 * Admins manage users, groups, backups, settings and the log; members use what they are granted and
 * make their own keys; auditors read the log and reports and never see key material.
 */
export function roleAllows(role: Role, op: Operation): boolean {
  if (isAdmin(role)) return true;
  switch (op) {
    case 'key.view':
      return true;
    case 'key.create':
    case 'key.use':
    case 'key.rotate':
    case 'key.manage':
      return role === 'member';
    case 'audit.read':
      return role === 'auditor';
    default:
      return false;
  }
}

/** The highest permission a role can hold on a key (an auditor sees names and metadata only). */
export function maxPermission(role: Role): Permission {
  return role === 'auditor' ? 'view' : 'manage';
}

/**
 * Why an operation is refused, or null when it is allowed: the role first, then the grant for key
 * operations. `permission` is the caller's best grant on the key (null: none; undefined: no key named,
 * as for the key list, so only the role counts).
 */
export function denial(role: Role, op: Operation, permission?: Permission | null): string | null {
  if (!roleAllows(role, op)) return `a ${role} cannot ${describe(op)}`;
  const need = NEEDS[op];
  if (need && permission !== undefined && !atLeast(permission, need)) return permission ? `a "${permission}" grant does not allow ${describe(op)}` : 'no grant on this key';
  return null;
}

function describe(op: Operation): string {
  switch (op) {
    case 'key.create':
      return 'create keys';
    case 'key.view':
      return 'see this key';
    case 'key.use':
      return 'use the key material';
    case 'key.rotate':
      return 'rotate this key or change its policy';
    case 'key.manage':
      return 'manage this key (grants, state, destruction)';
    case 'users.manage':
      return 'manage users';
    case 'groups.manage':
      return 'manage groups';
    case 'audit.read':
      return 'read the audit log';
    case 'audit.manage':
      return 'archive and trim the audit log';
    case 'backup.export':
      return 'export backups';
    case 'backup.restore':
      return 'restore or merge backups';
    case 'settings.change':
      return 'change vault settings';
  }
}

/** The better of two grants: the higher permission. */
export function higher(a: Permission, b: Permission): Permission {
  return PERMISSIONS.indexOf(a) >= PERMISSIONS.indexOf(b) ? a : b;
}
