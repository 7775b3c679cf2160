// Owns reading the vault's directory as a session sees it: users, groups with their names opened, memberships, and
// the two questions the access rules ask of a group (does an auditor belong to it, does it hold a data key).

import { open, utf8Decode } from '../../crypto';
import { DB, withTx, type GroupRow, type MemberRow, type StoreName, type Tx, type UserRow } from '../../storage';
import { aad } from '../context';
import { guarded } from '../failures';
import type { SessionContext } from './context';
import type { PrincipalLedger } from './principal-ledger';

const S = DB.stores;

export interface DirectorySnapshot {
  users: UserRow[];
  /** Sorted by name. */
  groups: (GroupRow & { name: string })[];
  members: MemberRow[];
}

export async function readDirectory(ctx: SessionContext): Promise<DirectorySnapshot> {
  const log = ctx.log();
  const { users, groups, members } = await guarded(() =>
    withTx(ctx.db, [S.users, S.groups, S.members], 'readonly', async (tx) => {
      const [users, groups, members] = await Promise.all([tx.objectStore(S.users).getAll(), tx.objectStore(S.groups).getAll(), tx.objectStore(S.members).getAll()]);
      return { users, groups, members };
    }),
  );
  const named = await guarded(() => Promise.all(groups.map(async (g) => ({ ...g, name: utf8Decode(await open(log.auditKey, g.sealedName, aad.groupName(g.id))) }))));
  return { users, groups: named.sort((a, b) => a.name.localeCompare(b.name)), members };
}

/** The members store's keys of one group ([groupId, userId]). */
export function membersOf(groupId: string): IDBKeyRange {
  return IDBKeyRange.bound([groupId, ''], [groupId, '\uffff']);
}

/** Whether an auditor belongs to the group (an auditor must never hold a data key, even through a group). */
export async function hasAuditor(ctx: SessionContext, groupId: string): Promise<boolean> {
  const [members, users] = await guarded(() => Promise.all([ctx.db.getAll(S.members, membersOf(groupId)), ctx.db.getAll(S.users)]));
  // Roles as the signed ledger gives them (issue #14): a row's plaintext role can be set by anyone who writes storage.
  return members.filter((m) => ctx.ledger.isMember(groupId, m.userId, true)).some((m) => ctx.ledger.role(m.userId, users.find((u) => u.id === m.userId)?.role) === 'auditor');
}

/** Whether the group holds a grant above "view" (then no auditor may join it). */
export async function groupHoldsData(ctx: SessionContext, groupId: string): Promise<boolean> {
  const grants = await guarded(() => ctx.db.getAllFromIndex(S.grants, 'byPrincipal', groupId));
  return grants.some((g) => g.wrappedDek !== null);
}

/** hasAuditor, inside a write transaction over members and users (the check and the write it guards are one). */
export async function auditorIn(tx: Tx<StoreName[], 'readwrite'>, groupId: string, ledger?: PrincipalLedger): Promise<boolean> {
  const members = await tx.objectStore(S.members).getAll(membersOf(groupId));
  const roles = await Promise.all(members.map((m) => tx.objectStore(S.users).get(m.userId)));
  return roles.some((u) => u !== undefined && (ledger ? ledger.role(u.id, u.role) : u.role) === 'auditor');
}

/** groupHoldsData, inside a write transaction over grants. */
export async function holdsDataIn(tx: Tx<StoreName[], 'readwrite'>, groupId: string): Promise<boolean> {
  const grants = await tx.objectStore(S.grants).index('byPrincipal').getAll(groupId);
  return grants.some((g) => g.wrappedDek !== null);
}
