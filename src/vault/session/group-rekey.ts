// Owns giving a group a new key pair when someone leaves it: the pair made and its grants re-wrapped outside the
// transaction, then written in the caller's transaction only if the group's grants are still the ones re-wrapped.

import { generateEcdhKeyPair } from '../../crypto';
import { allRequests, DB, withTx, type GrantRow, type GroupRow, type MemberRow, type StoreName, type Tx } from '../../storage';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { grantBase, openGrant, sealForMember, wrapGrant } from '../principals';
import type { SessionContext } from './context';
import { membersOf } from './directory-rows';

const S = DB.stores;

/** A group's new key pair, prepared outside the transaction (docs/FORMAT.md §1). */
export interface GroupRekey {
  group: GroupRow;
  members: MemberRow[];
  removed: string[];
  grants: GrantRow[];
  at: number;
}

/** A new key pair for a group, its grants wrapped again for it, sealed for every member but `removed`. */
export async function prepareGroupRekey(ctx: SessionContext, groupId: string, removed: readonly string[]): Promise<GroupRekey> {
  const userKey = ctx.key();
  const old = ctx.ring.principal(groupId);
  if (!old) throw new VaultError('AccessDenied', 'only a member of this group holds its key: ask one of its members');
  const { group, members, grants, users } = await guarded(() =>
    withTx(ctx.db, [S.groups, S.members, S.grants, S.users], 'readonly', async (tx) => ({
      group: await tx.objectStore(S.groups).get(groupId),
      members: await tx.objectStore(S.members).getAll(membersOf(groupId)),
      grants: await tx.objectStore(S.grants).index('byPrincipal').getAll(groupId),
      users: await tx.objectStore(S.users).getAll(),
    })),
  );
  if (!group) throw new VaultError('NotFound', 'no such group');
  const now = ctx.clock.now();
  return guarded(async () => {
    const pair = await generateEcdhKeyPair();
    // Only members the ledger states, for the public keys it states (issue #14): a forged members row or a swapped
    // public key must not receive the group's new private key.
    const staying = members.filter((m) => !removed.includes(m.userId) && ctx.ledger.isMember(groupId, m.userId, true));
    const sealed = await Promise.all(
      staying.map((m) => {
        const publicKey = ctx.ledger.publicKey(m.userId, users.find((x) => x.id === m.userId)?.publicKey);
        if (!publicKey) throw new VaultError('Corrupt', 'a member has no public key');
        return sealForMember(groupId, m.userId, publicKey, pair.privateKey, m.addedAt);
      }),
    );
    const rewrapped = await Promise.all(
      grants.map(async (g) => {
        const keys = await openGrant(g, userKey, old, true);
        return wrapGrant(grantBase(g), keys, { publicKey: pair.publicKey });
      }),
    );
    const dropped = members.filter((m) => !staying.includes(m)).map((m) => m.userId);
    return { group: { ...group, publicKey: pair.publicKey }, members: sealed, removed: dropped, grants: rewrapped, at: now };
  });
}

export async function applyGroupRekey(tx: Tx<StoreName[], 'readwrite'>, r: GroupRekey): Promise<void> {
  const groups = tx.objectStore(S.groups);
  const members = tx.objectStore(S.members);
  const grants = tx.objectStore(S.grants);
  const stored = await grants.index('byPrincipal').count(r.group.id);
  if (stored !== r.grants.length) throw new VaultError('ChangedElsewhere', 'the group was changed elsewhere (another tab?); try again');
  await allRequests([
    () => groups.put(r.group),
    ...r.removed.map((u) => () => members.delete([r.group.id, u])),
    ...r.members.map((m) => () => members.put(m)),
    ...r.grants.map((g) => () => grants.put(g)),
  ]);
}
