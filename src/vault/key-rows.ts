// Owns the first read of the key list: the rows a session needs, read while the password is still being checked.
// Kept apart from session.ts so that Vault.unlock starts it without the session code loaded (issue #7).

import { DB, withTx, type GrantRow, type GroupRow, type KeyRow, type KeywardDb, type MemberRow, type UserRow } from '../storage';

const S = DB.stores;

/** What the first load of the key list reads: this user's and their groups' grants, every key row, and the principals. */
export interface KeyRows {
  grants: GrantRow[];
  keys: Map<string, KeyRow>;
  principals: { self: UserRow | undefined; members: MemberRow[]; groups: Map<string, GroupRow> };
}

/** A few requests, whatever the number of keys: this user's and their groups' grants, and every key row. */
export function readKeyRows(db: KeywardDb, userId: string): Promise<KeyRows> {
  return withTx(db, [S.grants, S.keys, S.users, S.members, S.groups], 'readonly', async (tx) => {
    const byPrincipal = tx.objectStore(S.grants).index('byPrincipal');
    const [own, rows, self, members, groups] = await Promise.all([
      byPrincipal.getAll(userId),
      tx.objectStore(S.keys).getAll(),
      tx.objectStore(S.users).get(userId),
      tx.objectStore(S.members).index('byUser').getAll(userId),
      tx.objectStore(S.groups).getAll(),
    ]);
    const viaGroups = await Promise.all(members.map((m) => byPrincipal.getAll(m.groupId)));
    return { grants: [...own, ...viaGroups.flat()], keys: new Map(rows.map((r) => [r.id, r])), principals: { self, members, groups: new Map(groups.map((g) => [g.id, g])) } };
  });
}
