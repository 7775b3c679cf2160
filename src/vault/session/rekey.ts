// Owns re-keying a key: a new data key (and meta key where the key has one), every version and the metadata sealed
// again under it, and the grants that stay wrapped again — so a data key someone copied before opens nothing after.

import { generateDataKey, open, seal, type UserKey } from '../../crypto';
import { allRequests, DB, type GrantRow, type KeyRow, type StoreName, type Tx, type VersionRow } from '../../storage';
import { aad } from '../context';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { versionRow } from '../key-fields';
import { metaKeyToWrap, newMetaKeyBytes } from '../key-seal';
import { grantBase, wrapGrant } from '../principals';
import type { KeyId } from '../types';
import type { SessionContext } from './context';
import { keyUnchanged, rotateAs, versionFactsOf } from './key-commit';
import { stateAllows } from '../lifecycle';
import type { KeyFields } from '../key-fields';
import { canAutoRotate, sealedRow, type Held } from './held';

const S = DB.stores;

/** What one re-key writes, prepared outside the transaction. */
export interface Rekey {
  id: KeyId;
  /** The key as it was read: the write checks it is still the stored one. */
  held: Held;
  row: KeyRow;
  /** The row's authenticated fields, as sealed in `row`. */
  fields: KeyFields;
  versions: VersionRow[];
  grants: GrantRow[];
}

/**
 * A new DEK (and meta key) for a key this session holds a data key of: every version and the metadata sealed again,
 * every grant in `grants` wrapped again. `publicKeys` names principals whose public key is about to change in the
 * same transaction (a group re-keyed beside it): their grants are wrapped for the new one.
 */
export async function prepareRekey(ctx: SessionContext, id: KeyId, held: Held, grants: readonly GrantRow[], publicKeys: ReadonlyMap<string, JsonWebKey> = new Map()): Promise<Rekey> {
  const userKey: UserKey = ctx.key();
  const oldDek = await ctx.ring.dek(id);
  const versions = await guarded(() => ctx.db.getAllFromIndex(S.versions, 'byKey', id));
  const users = new Map((await guarded(() => ctx.db.getAll(S.users))).map((u) => [u.id, u]));
  const groups = new Map((await guarded(() => ctx.db.getAll(S.groups))).map((g) => [g.id, g]));
  const facts = await versionFactsOf(ctx, held);
  return guarded(async () => {
    const dek = await generateDataKey();
    // A meta key of its own whenever the key has one or anyone keeps a "view" grant: a "view" grant never gets the DEK,
    // even when the row was put back from before its first "view" grant (issue #14, attack 2).
    const viewers = grants.some((g) => g.wrappedDek === null);
    const raw = held.row.wrappedMetaKey || viewers ? newMetaKeyBytes() : null;
    const metaKey = raw ? await metaKeyToWrap(raw) : null;
    const { row, fields } = await sealedRow(dek, held.row, held.meta, facts, raw);
    const resealed = await Promise.all(
      versions.map(async (v) => {
        const sealedValue = v.sealedValue === null ? null : await seal(dek, await open(oldDek, v.sealedValue, aad.value(id, v.version)), aad.value(id, v.version));
        // The plaintext written is the sealed facts', not what storage said (issue #14).
        const f = facts[v.version - 1];
        return f ? versionRow(id, v.version, f, sealedValue) : { ...v, sealedValue };
      }),
    );
    const rewrapped = await Promise.all(
      grants.map(async (g) => {
        const base = grantBase(g);
        if (!g.wrappedDek && !metaKey) throw new VaultError('Corrupt', 'a "view" grant needs a meta key');
        const keys = { dek: g.wrappedDek ? dek : null, metaKey: g.wrappedDek ? null : metaKey };
        if (g.principalId === ctx.user.id && !g.epk) return wrapGrant(base, keys, { userKey });
        // The ledger's public key, never the row's (issue #14: a swapped key would receive the new data key).
        const publicKey = publicKeys.get(g.principalId) ?? ctx.ledger.publicKey(g.principalId, users.get(g.principalId)?.publicKey ?? groups.get(g.principalId)?.publicKey);
        if (!publicKey) throw new VaultError('Corrupt', 'a grantee has no public key');
        return wrapGrant(base, keys, { publicKey });
      }),
    );
    return { id, held, row, fields, versions: resealed, grants: rewrapped };
  });
}

/** Writes a prepared re-key inside the caller's transaction, after checking nobody changed the key meanwhile. */
export async function applyRekey(tx: Tx<StoreName[], 'readwrite'>, r: Rekey): Promise<void> {
  await keyUnchanged(tx, r.held);
  const g = tx.objectStore(S.grants);
  const v = tx.objectStore(S.versions);
  await allRequests([() => tx.objectStore(S.keys).put(r.row), ...r.grants.map((x) => () => g.put(x)), ...r.versions.map((x) => () => v.put(x))]);
}

/**
 * The re-keys a removal needs (issue #14): every key in `exposed` that this session holds a data key of, with every
 * grant but `removed`'s wrapped again (for a re-keyed group, for its new key pair in `newKeys`). Keys it cannot open
 * are counted in `skipped`: their managers must rotate them.
 */
export async function prepareRekeys(ctx: SessionContext, exposed: Iterable<string>, all: readonly GrantRow[], removed: string, newKeys: ReadonlyMap<string, JsonWebKey>): Promise<{ rekeys: Rekey[]; skipped: number }> {
  const held = await ctx.ring.load();
  const rekeys: Rekey[] = [];
  let skipped = 0;
  for (const keyId of new Set(exposed)) {
    const h = held.get(keyId as KeyId);
    if (!h || h.grant.wrappedDek === null) {
      skipped++;
      continue;
    }
    const staying = all.filter((g) => g.keyId === keyId && g.principalId !== removed);
    rekeys.push(await prepareRekey(ctx, keyId as KeyId, h, staying, newKeys));
  }
  return { rekeys, skipped };
}

/** After a removal's re-keys: rotates the keys whose material Keyward makes (the person may have seen the value). */
export async function rotateRekeyed(ctx: SessionContext, rekeys: readonly Rekey[]): Promise<number> {
  let rotated = 0;
  for (const r of rekeys) {
    const h = await ctx.ring.get(r.id).catch(() => null);
    if (!h || !canAutoRotate(h) || !stateAllows(h.row.state, 'rotate', h.row.destroyAt !== null)) continue;
    // The removal is done: a key that cannot be rotated now is rotated by its next due work or by hand.
    if (await rotateAs(ctx, r.id, undefined, ctx.user.id).then(() => true, () => false)) rotated++;
  }
  return rotated;
}
