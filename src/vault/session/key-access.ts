// Owns who holds a key: listing its grants, granting it to a user or group (wrapped for their public key), and
// revoking — by default with a re-key (new data key, every version sealed again) and a rotation where it can.

import type { DataKey } from '../../crypto';
import { DB, type KeyRow } from '../../storage';
import { atLeast, GRANTABLE, maxPermission, type Permission } from '../access';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { stateAllows } from '../lifecycle';
import { metaKeyToWrap, newMetaKeyBytes } from '../key-seal';
import { openGrant, wrapGrant } from '../principals';
import type { KeyFields } from '../key-fields';
import type { AccessEntry, KeyId, Role } from '../types';
import type { SessionContext } from './context';
import { auditorIn, hasAuditor, readDirectory } from './directory-rows';
import { keyUnchanged, rotateAs, versionFactsOf } from './key-commit';
import { canAutoRotate, metaKeyBytes, sealedRow, type Held } from './held';
import { applyRekey, prepareRekey } from './rekey';

const S = DB.stores;

export class KeyAccess {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Who holds the key and at what level (for the Access panel). */
  async list(id: KeyId): Promise<AccessEntry[]> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.manage', id);
    const [grants, dir] = await Promise.all([guarded(() => ctx.db.getAllFromIndex(S.grants, 'byKey', id)), readDirectory(ctx)]);
    return grants.map((g) => {
      const user = dir.users.find((u) => u.id === g.principalId);
      const group = dir.groups.find((x) => x.id === g.principalId);
      return {
        principalId: g.principalId,
        kind: user ? 'user' : 'group',
        name: user?.name ?? group?.name ?? '(removed)',
        permission: g.permission,
        createdAt: g.createdAt,
        grantedBy: g.grantedBy ?? null,
        yourAccess: g.principalId === held.grant.principalId,
      };
    });
  }

  /**
   * Grants a key to a user or a group at a level: the data key (or, for "view", only the meta key) is
   * wrapped for the grantee's public key — no password of theirs is needed. Replaces an earlier grant.
   */
  async grant(id: KeyId, principalId: string, permission: Permission): Promise<void> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.manage', id);
    const userKey = ctx.key();
    if (!GRANTABLE.includes(permission)) throw new VaultError('InvalidInput', 'grant view, use, rotate or manage', { field: 'permission' });
    if (principalId === ctx.user.id) throw new VaultError('InvalidInput', 'you cannot change your own grant', { field: 'principal' });
    const target = await this.#principalKey(principalId);
    if (target.role && !atLeast(maxPermission(target.role), permission)) throw new VaultError('InvalidInput', 'an auditor can be granted "view" only', { field: 'permission' });
    if (target.kind === 'group' && permission !== 'view' && (await hasAuditor(ctx, principalId))) {
      throw new VaultError('InvalidInput', 'an auditor is in this group: it can be granted "view" only', { field: 'permission' });
    }
    const existing = await guarded(() => ctx.db.get(S.grants, [id, principalId]));
    if (existing?.wrappedDek && permission === 'view') {
      // Lowering to "view" takes the data key away: like a revoke, the key is re-keyed (and rotated) first.
      await this.revoke(id, principalId);
      return this.grant(id, principalId, 'view');
    }
    const now = ctx.clock.now();
    const mine = await guarded(() => openGrant(held.grant, userKey, ctx.ring.principal(held.grant.principalId), true));
    if (!mine.dek) throw new VaultError('AccessDenied', 'a "view" grant holds no data key');
    const dek = mine.dek;
    const facts = permission === 'view' && !held.row.wrappedMetaKey ? await versionFactsOf(ctx, held) : null;
    const prepared = await guarded(async () => {
      let split: { row: KeyRow; fields: KeyFields } | null = null;
      let metaKey: DataKey | null = null;
      if (permission === 'view') {
        // A "view" grant holds a meta key of the key's own, never the DEK (issue #14, attack 2). The first one on a key
        // moves its metadata under a fresh meta key (sealed again with its fields, in the grant's transaction).
        const existing = await metaKeyBytes(dek, held.row);
        const raw = existing ?? newMetaKeyBytes();
        try {
          metaKey = await metaKeyToWrap(raw);
          if (!existing) split = await sealedRow(dek, held.row, held.meta, facts!, raw.slice());
        } finally {
          raw.fill(0);
        }
      }
      const grant = await wrapGrant({ keyId: id, principalId, permission, createdAt: now, grantedBy: ctx.user.id }, { dek: permission === 'view' ? null : dek, metaKey }, { publicKey: target.publicKey });
      return { grant, split };
    });
    await ctx.writes.write([S.keys, S.grants, S.members, S.users], [{ action: 'key.grant', keyId: id, version: held.row.currentVersion, details: { principal: principalId, kind: target.kind, permission } }], async (tx) => {
      // Inside the write (issue #14): a re-key in another tab meanwhile would make this wrapping a stale data key's,
      // and an auditor who joined the group meanwhile must not receive one.
      await keyUnchanged(tx, held);
      if (target.kind === 'group' && permission !== 'view' && (await auditorIn(tx, principalId, ctx.ledger))) {
        throw new VaultError('InvalidInput', 'an auditor is in this group: it can be granted "view" only', { field: 'permission' });
      }
      if (prepared.split) await tx.objectStore(S.keys).put(prepared.split.row);
      await tx.objectStore(S.grants).put(prepared.grant);
    }, { grants: true });
    if (prepared.split) ctx.ring.keep(id, { ...held, row: prepared.split.row, fields: prepared.split.fields });
  }

  /**
   * Revokes a grant. By default the key is also re-keyed — a new data key, every version sealed again,
   * wrapped again for those who keep access — and, where it can make its own material, rotated: the
   * person may have seen the value. Returns whether it was rotated (an imported key needs a new value).
   */
  async revoke(id: KeyId, principalId: string, options: { rotate?: boolean } = {}): Promise<{ rekeyed: boolean; rotated: boolean }> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.manage', id);
    const userKey = ctx.key();
    if (principalId === ctx.user.id) throw new VaultError('InvalidInput', 'you cannot revoke your own grant', { field: 'principal' });
    if (principalId === held.grant.principalId) throw new VaultError('InvalidInput', 'you hold this key through this group; ask another manager to revoke it', { field: 'principal' });
    const grants = await guarded(() => ctx.db.getAllFromIndex(S.grants, 'byKey', id));
    const gone = grants.find((g) => g.principalId === principalId);
    if (!gone) throw new VaultError('NotFound', 'no such grant');
    const staying = grants.filter((g) => g !== gone);
    if (!staying.some((g) => g.wrappedDek !== null && atLeast(g.permission, 'manage'))) throw new VaultError('InvalidInput', 'someone must keep "manage" on this key', { field: 'principal' });
    const rekey = options.rotate !== false;
    const prepared = rekey ? await prepareRekey(ctx, id, held, staying) : null;
    await ctx.writes.write([S.keys, S.versions, S.grants], [{ action: 'key.revoke', keyId: id, version: held.row.currentVersion, details: { principal: principalId, permission: gone.permission, rekeyed: rekey } }], async (tx) => {
      await tx.objectStore(S.grants).delete([id, principalId]);
      // The re-key checks the key is unchanged itself.
      if (prepared) await applyRekey(tx, prepared);
      else await keyUnchanged(tx, held);
    }, { grants: true });
    if (!prepared) return { rekeyed: false, rotated: false };
    const mine = prepared.grants.find((x) => x.principalId === held.grant.principalId)!;
    const opened = await guarded(() => openGrant(mine, userKey, ctx.ring.principal(mine.principalId)));
    const next: Held = { ...held, row: prepared.row, grant: mine, fields: prepared.fields };
    ctx.ring.keep(id, next, { dek: opened.dek! });
    if (canAutoRotate(next) && stateAllows(next.row.state, 'rotate', next.row.destroyAt !== null)) {
      await rotateAs(ctx, id, undefined, ctx.user.id);
      return { rekeyed: true, rotated: true };
    }
    return { rekeyed: true, rotated: false };
  }

  /** The grantee's public key and role as the signed ledger states them (issue #14), never as their row says. */
  async #principalKey(principalId: string): Promise<{ kind: 'user' | 'group'; publicKey: JsonWebKey; role?: Role }> {
    const ctx = this.#ctx;
    const db = ctx.db;
    const [user, group] = await guarded(() => Promise.all([db.get(S.users, principalId), db.get(S.groups, principalId)]));
    if (user) {
      const publicKey = ctx.ledger.publicKey(principalId, user.publicKey);
      const role = ctx.ledger.role(principalId, user.role);
      if (!publicKey || role === null) throw new VaultError('InvalidInput', 'this user has not signed in since the upgrade, or is not in the verified list of users; ask them to unlock once', { field: 'principal' });
      return { kind: 'user', publicKey, role };
    }
    if (group) {
      const publicKey = ctx.ledger.publicKey(principalId, group.publicKey);
      if (!publicKey) throw new VaultError('InvalidInput', 'this group is not in the verified list of groups', { field: 'principal' });
      return { kind: 'group', publicKey };
    }
    throw new VaultError('NotFound', 'no such user or group');
  }
}
