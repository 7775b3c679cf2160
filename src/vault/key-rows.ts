// Owns reading what the first load of the key list needs: the principals, then every key row with its grants
// in slices by key id, all requested at once in one readonly transaction (one consistent view). Each slice can be
// decrypted as soon as it arrives while the browser is still reading the next ones (issue #7: unlock).

import { DB, withTx, type GrantRow, type GroupRow, type KeyRow, type KeywardDb, type MemberRow, type UserRow } from '../storage';

const S = DB.stores;

/** The signed-in user's row, their group memberships, and every group. */
export interface Principals {
  self: UserRow | undefined;
  members: MemberRow[];
  groups: Map<string, GroupRow>;
}

/** The key rows whose ids fall in one slice, and the grants of those keys to this user or one of their groups. */
export interface KeySlice {
  keys: Map<string, KeyRow>;
  grants: GrantRow[];
}

export interface KeyRows {
  principals: Principals;
  /** In key-id order; each resolves when its rows have been read. */
  slices: Promise<KeySlice>[];
}

/** A read in progress: `rows` once the principals are read; `done` when the transaction ended (its error, if any). */
export interface KeyRowsRead {
  rows: Promise<KeyRows>;
  done: Promise<void>;
}

/** Key ids are random base64url (randomId); the first character spreads them evenly over the 64 symbols. */
const BASE64URL_SORTED = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** Every 4th symbol starts a slice: 16 slices, about 625 keys each in a vault of 10,000. */
export const SLICE_STARTS: readonly string[] = Array.from({ length: 15 }, (_, i) => BASE64URL_SORTED[(i + 1) * 4]!);

/**
 * The slices of the key-id space: [undefined, s1), [s1, s2), …, [s15, undefined). Every string id is in exactly
 * one, whatever its alphabet (ids restored from elsewhere too): an uneven spread only changes the slices' sizes.
 */
export function sliceBounds(starts: readonly string[] = SLICE_STARTS): { lower?: string; upper?: string }[] {
  return [undefined, ...starts].map((lower, i) => ({ lower, upper: starts[i] }));
}

/** Key rows with lower ≤ id < upper, and the grants of those keys: [id, principal] with id in the same range. */
function ranges({ lower, upper }: { lower?: string; upper?: string }): { keys: IDBKeyRange | undefined; grants: IDBKeyRange | undefined } {
  if (lower !== undefined && upper !== undefined) return { keys: IDBKeyRange.bound(lower, upper, false, true), grants: IDBKeyRange.bound([lower], [upper], false, true) };
  if (lower !== undefined) return { keys: IDBKeyRange.lowerBound(lower), grants: IDBKeyRange.lowerBound([lower]) };
  if (upper !== undefined) return { keys: IDBKeyRange.upperBound(upper, true), grants: IDBKeyRange.upperBound([upper], true) };
  return { keys: undefined, grants: undefined };
}

/**
 * Starts reading the rows the first load of the key list needs. Rows only: nothing is decrypted here, so it can
 * start before the password has opened the user key (Vault.unlock runs it beside the key derivation).
 */
export function readKeyRows(db: KeywardDb, userId: string, starts: readonly string[] = SLICE_STARTS): KeyRowsRead {
  let layout: (rows: KeyRows) => void = () => undefined;
  const rows = new Promise<KeyRows>((resolve) => (layout = resolve));
  const done = withTx(db, [S.grants, S.keys, S.users, S.members, S.groups], 'readonly', async (tx) => {
    const keys = tx.objectStore(S.keys);
    const grants = tx.objectStore(S.grants);
    // Requested together: IndexedDB answers them in order, the principals first.
    const principals = Promise.all([tx.objectStore(S.users).get(userId), tx.objectStore(S.members).index('byUser').getAll(userId), tx.objectStore(S.groups).getAll()]);
    const slices = sliceBounds(starts).map((bounds) => {
      const range = ranges(bounds);
      return Promise.all([keys.getAll(range.keys), grants.getAll(range.grants)]);
    });
    const [self, members, groups] = await principals;
    const mine = new Set([userId, ...members.map((m) => m.groupId)]);
    const out = slices.map((slice) =>
      slice.then(([keyRows, grantRows]): KeySlice => ({ keys: new Map(keyRows.map((r) => [r.id, r])), grants: grantRows.filter((g) => mine.has(g.principalId)) })),
    );
    // A failed read is reported through `done` (and the slice's own promise); never as an unhandled rejection.
    for (const slice of out) slice.catch(() => undefined);
    layout({ principals: { self, members, groups: new Map(groups.map((g) => [g.id, g])) }, slices: out });
    await Promise.all(slices);
  });
  // The transaction failed before the principals were read: `rows` must not wait forever.
  const failed = done.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error),
  );
  const settled = Promise.race([rows, failed]);
  settled.catch(() => undefined);
  done.catch(() => undefined);
  return { rows: settled, done };
}
