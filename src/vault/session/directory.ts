// Owns the vault's directory as an admin changes it: users (add, role, remove) and groups (create, members, delete),
// with the refusals that keep the vault whole (the owner, the last admin, the only manager of a key, auditors).

import { deriveKek, generateEcdhKeyPair, generateUserKey, newKdfParams, randomId, seal, unwrapDataKey, utf8Encode, wrapKey } from '../../crypto';
import { allRequests, DB, withTx, type GroupRow, type LedgerBody, type MemberRow, type UserRow } from '../../storage';
import { ASSIGNABLE_ROLES, atLeast, isAdmin } from '../access';
import { aad } from '../context';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { newUserKeyPair, newUserSigningKey, openAsMember, sealForMember, type OpenPrincipal } from '../principals';
import type { GroupInfo, PrincipalInfo, Role, UserId, UserInfo } from '../types';
import { readUser } from '../user-keys';
import { checkGroupName, checkNewPassword, checkUserName } from '../validate';
import type { SessionContext } from './context';
import { groupHoldsData, holdsDataIn, membersOf, readDirectory } from './directory-rows';
import { applyGroupRekey, prepareGroupRekey, type GroupRekey } from './group-rekey';
import { PrincipalLedger } from './principal-ledger';
import { applyRekey, prepareRekeys, rotateRekeyed } from './rekey';

const S = DB.stores;

/** What removing someone did: groups given a new key pair, keys given a new data key (and rotated), and what could not be. */
export interface Removal {
  groupsRekeyed: number;
  groupsNotRekeyed: number;
  keysRekeyed: number;
  /** Keys they could open that this admin cannot re-key (no data key of theirs, or held by a group they are not in). */
  keysNotRekeyed: number;
  keysRotated: number;
}

export class Directory {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Everyone a key can be granted to, by name: users (with their role) and groups. */
  async principals(): Promise<PrincipalInfo[]> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('key.view', null);
    const { users, groups } = await readDirectory(ctx);
    // Only principals the verified ledger holds can be granted to (issue #14), with the role it gives them.
    const ledger = ctx.ledger;
    return [
      ...users.flatMap((u): PrincipalInfo[] => {
        const role = ledger.role(u.id, u.role);
        return role === null ? [] : [{ id: u.id, kind: 'user', name: u.name, role }];
      }),
      ...groups.filter((g) => ledger.publicKey(g.id, g.publicKey) !== null || !ledger.active).map((g): PrincipalInfo => ({ id: g.id, kind: 'group', name: g.name })),
    ];
  }

  async users(): Promise<UserInfo[]> {
    await this.#ctx.guard.authorize('users.manage');
    const { users, members } = await readDirectory(this.#ctx);
    return users.map((u) => ({
      id: u.id as UserId,
      name: u.name,
      // The role the signed ledger gives (issue #14), not the row's.
      role: this.#ctx.ledger.role(u.id, u.role) ?? u.role,
      createdAt: u.createdAt,
      mustChangePassword: u.mustChangePassword === true,
      groups: members.filter((m) => m.userId === u.id).map((m) => m.groupId),
    }));
  }

  async groups(): Promise<GroupInfo[]> {
    await this.#ctx.guard.authorize('groups.manage');
    const { groups, members } = await readDirectory(this.#ctx);
    return groups.map((g) => {
      const ids = members.filter((m) => m.groupId === g.id).map((m) => m.userId as UserId);
      return { id: g.id, name: g.name, createdAt: g.createdAt, members: ids, isMember: ids.includes(this.#ctx.user.id) };
    });
  }

  /**
   * An admin adds a local user with a one-time password (they choose their own at first unlock). The
   * new user gets a user key, an ECDH key pair and the audit key; no key is granted to them yet.
   */
  async addUser(input: { name: string; password: string; role: Role }): Promise<UserInfo> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('users.manage');
    const userKey = ctx.key();
    const name = checkUserName(input.name);
    const password = checkNewPassword(input.password);
    if (!ASSIGNABLE_ROLES.includes(input.role)) throw new VaultError('InvalidInput', 'the role must be admin, member or auditor', { field: 'role' });
    if ((await readDirectory(ctx)).users.some((u) => u.name.toLowerCase() === name.toLowerCase())) throw new VaultError('InvalidInput', 'a user of that name exists already', { field: 'userName' });
    const id = randomId() as UserId;
    const now = ctx.clock.now();
    const { row, sign } = await guarded(async () => {
      const me = await readUser(ctx.db, ctx.user.id);
      // The admin's own count: calibrated for this device (and raised to the floor at unlock).
      const kdf = newKdfParams(ctx.kdfIterations);
      const theirs = await generateUserKey();
      const wrappedUserKey = await wrapKey(await deriveKek(password, kdf), theirs, aad.userKey(id));
      const auditKey = await unwrapDataKey(userKey, me.wrappedAuditKey, aad.auditKey(me.id), { extractable: true });
      const pair = await newUserKeyPair(id, theirs);
      // Their signing key too (issue #14), replaced with the rest at their first sign-in.
      const signing = await newUserSigningKey(id, theirs);
      const row: UserRow = {
        id,
        name,
        role: input.role,
        createdAt: now,
        kdf,
        wrappedUserKey,
        wrappedAuditKey: await wrapKey(theirs, auditKey, aad.auditKey(id)),
        publicKey: pair.publicKey,
        sealedPrivateKey: pair.sealedPrivateKey,
        mustChangePassword: true,
        sealedSigningKey: signing.sealed,
      };
      return { row, sign: signing.point };
    });
    const link: LedgerBody = { type: 'user.add', user: { id, name, role: input.role, ecdh: PrincipalLedger.point(row.publicKey!), sign } };
    await ctx.writes.write(
      [S.users],
      [{ action: 'user.add', details: { userId: id, name, role: input.role } }],
      async (tx) => {
        await tx.objectStore(S.users).add(row);
      },
      { links: () => ctx.ledger.prepare([link]) },
    );
    return { id, name, role: input.role, createdAt: now, mustChangePassword: true, groups: [] };
  }

  async setUserRole(userId: UserId, role: Role): Promise<void> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('users.manage');
    const user = await readUser(ctx.db, userId);
    const current = ctx.ledger.role(userId, user.role);
    if (current === null) throw new VaultError('NotFound', 'no such user');
    if (current === 'owner') throw new VaultError('InvalidInput', "the owner's role does not change", { field: 'role' });
    if (!ASSIGNABLE_ROLES.includes(role)) throw new VaultError('InvalidInput', 'the role must be admin, member or auditor', { field: 'role' });
    if ((await this.#adminsIf(userId, role)) === 0) throw new VaultError('InvalidInput', 'the vault must keep at least one admin', { field: 'role' });
    if (role === 'auditor') {
      const grants = await guarded(() => ctx.db.getAllFromIndex(S.grants, 'byPrincipal', userId));
      if (grants.some((g) => g.permission !== 'view')) throw new VaultError('InvalidInput', 'an auditor sees no key material: revoke their grants above "view" first', { field: 'role' });
      const memberships = await guarded(() => ctx.db.getAllFromIndex(S.members, 'byUser', userId));
      for (const m of memberships) {
        if (await groupHoldsData(ctx, m.groupId)) throw new VaultError('InvalidInput', 'an auditor sees no key material: remove them from groups holding keys above "view" first', { field: 'role' });
      }
    }
    const link: LedgerBody = { type: 'user.role', id: userId, role: role as 'admin' | 'member' | 'auditor' };
    await ctx.writes.write(
      [S.users],
      [{ action: 'user.role', details: { userId, from: current, to: role } }],
      async (tx) => {
        const stored = await tx.objectStore(S.users).get(userId);
        if (!stored) throw new VaultError('NotFound', 'no such user');
        await tx.objectStore(S.users).put({ ...stored, role });
      },
      { links: () => ctx.ledger.prepare([link]) },
    );
  }

  /**
   * Removes a user: their row (so their password opens nothing), their grants and memberships. Refused
   * for yourself, for the last admin, and while they are the only one holding some key (it would be lost).
   * Groups they were in and that the caller belongs to get a new key pair.
   */
  async removeUser(userId: UserId): Promise<Removal> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('users.manage');
    if (userId === ctx.user.id) throw new VaultError('InvalidInput', 'you cannot remove yourself; ask another admin', { field: 'user' });
    const user = await readUser(ctx.db, userId);
    if (ctx.ledger.role(userId, user.role) === 'owner') throw new VaultError('InvalidInput', 'the owner cannot be removed', { field: 'user' });
    if ((await this.#adminsIf(userId, null)) === 0) throw new VaultError('InvalidInput', 'the vault must keep at least one admin', { field: 'user' });
    const { grants, all, memberships } = await guarded(() =>
      withTx(ctx.db, [S.grants, S.members], 'readonly', async (tx) => ({
        grants: await tx.objectStore(S.grants).index('byPrincipal').getAll(userId),
        all: await tx.objectStore(S.grants).getAll(),
        memberships: await tx.objectStore(S.members).index('byUser').getAll(userId),
      })),
    );
    const orphaned = grants.filter((g) => !all.some((o) => o.keyId === g.keyId && o.principalId !== userId && o.wrappedDek !== null && atLeast(o.permission, 'manage')));
    if (orphaned.length > 0) throw new VaultError('InvalidInput', `this user is the only manager of ${orphaned.length} key(s): have them grant "manage" to someone first`, { field: 'user' });
    const rekeys: GroupRekey[] = [];
    for (const m of memberships) if (ctx.ring.principal(m.groupId)) rekeys.push(await prepareGroupRekey(ctx, m.groupId, [userId]));
    const notRekeyed = memberships.length - rekeys.length;
    // Every key they could open gets a new data key (issue #14): the one they may have kept opens nothing written after.
    // A key also held by a group whose key pair stays (the caller is not in it) is not helped by that: it is counted.
    const stale = new Set(memberships.map((m) => m.groupId).filter((id) => !rekeys.some((r) => r.group.id === id)));
    const exposed = all.filter((g) => g.principalId === userId || memberships.some((m) => m.groupId === g.principalId)).map((g) => g.keyId);
    const blocked = new Set(all.filter((g) => stale.has(g.principalId)).map((g) => g.keyId));
    const keys = await prepareRekeys(ctx, exposed.filter((id) => !blocked.has(id)), all, userId, new Map(rekeys.map((r) => [r.group.id, r.group.publicKey])));
    const keysNotRekeyed = keys.skipped + blocked.size;
    const details = { userId, name: user.name, grants: grants.length, groupsRekeyed: rekeys.length, groupsNotRekeyed: notRekeyed, keysRekeyed: keys.rekeys.length, keysNotRekeyed };
    const links: LedgerBody[] = [{ type: 'user.remove', id: userId }, ...rekeys.map((r): LedgerBody => ({ type: 'group.keys', id: r.group.id, ecdh: PrincipalLedger.point(r.group.publicKey) }))];
    await ctx.writes.write([S.users, S.grants, S.members, S.groups, S.keys, S.versions], [{ action: 'user.remove', details }], async (tx) => {
      const g = tx.objectStore(S.grants);
      const mem = tx.objectStore(S.members);
      await allRequests([() => tx.objectStore(S.users).delete(userId), ...grants.map((x) => () => g.delete([x.keyId, x.principalId])), ...memberships.map((m) => () => mem.delete([m.groupId, m.userId]))]);
      for (const r of rekeys) await applyGroupRekey(tx, r);
      // After the groups': a re-keyed key's grant for a re-keyed group wraps the new data key for the group's new pair.
      for (const r of keys.rekeys) await applyRekey(tx, r);
    }, { grants: true, links: () => ctx.ledger.prepare(links) });
    if (rekeys.length > 0 || keys.rekeys.length > 0) ctx.ring.forget();
    const keysRotated = await rotateRekeyed(ctx, keys.rekeys);
    return { groupsRekeyed: rekeys.length, groupsNotRekeyed: notRekeyed, keysRekeyed: keys.rekeys.length, keysNotRekeyed, keysRotated };
  }

  /** A new group; its creator is its first member (only members hold the group's private key). */
  async createGroup(name: string, memberIds: readonly UserId[] = []): Promise<GroupInfo> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('groups.manage');
    const clean = checkGroupName(name);
    const { users, groups } = await readDirectory(ctx);
    if (groups.some((g) => g.name.toLowerCase() === clean.toLowerCase())) throw new VaultError('InvalidInput', 'a group of that name exists already', { field: 'groupName' });
    const ids = [...new Set([ctx.user.id, ...memberIds])];
    // Each member's public key as the ledger states it (issue #14), never the row's.
    const keys = ids.map((id) => ctx.ledger.publicKey(id, users.find((u) => u.id === id)?.publicKey));
    if (keys.some((k) => !k)) throw new VaultError('InvalidInput', 'every member must be a user who has signed in since the upgrade', { field: 'members' });
    const id = randomId();
    const now = ctx.clock.now();
    const { group, members } = await guarded(async () => {
      const pair = await generateEcdhKeyPair();
      const group: GroupRow = { id, createdAt: now, publicKey: pair.publicKey, sealedName: await seal(ctx.log().auditKey, utf8Encode(clean), aad.groupName(id)) };
      const members = await Promise.all(ids.map((uid, i) => sealForMember(id, uid, keys[i]!, pair.privateKey, now)));
      return { group, members };
    });
    const links: LedgerBody[] = [{ type: 'group.add', id, ecdh: PrincipalLedger.point(group.publicKey) }, ...ids.map((user): LedgerBody => ({ type: 'member.add', group: id, user }))];
    await ctx.writes.write(
      [S.groups, S.members],
      [{ action: 'group.create', details: { groupId: id, name: clean, members: ids } }],
      async (tx) => {
        const mem = tx.objectStore(S.members);
        await allRequests([() => tx.objectStore(S.groups).add(group), ...members.map((m) => () => mem.add(m))]);
      },
      { links: () => ctx.ledger.prepare(links) },
    );
    ctx.ring.forget();
    return { id, name: clean, createdAt: now, members: ids as UserId[], isMember: true };
  }

  async addMember(groupId: string, userId: UserId): Promise<void> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('groups.manage');
    const self = await this.#memberOf(groupId);
    const user = await readUser(ctx.db, userId);
    const publicKey = ctx.ledger.publicKey(userId, user.publicKey);
    const role = ctx.ledger.role(userId, user.role);
    if (!publicKey || role === null) throw new VaultError('InvalidInput', 'this user has not signed in since the upgrade', { field: 'members' });
    if (role === 'auditor' && (await groupHoldsData(ctx, groupId))) throw new VaultError('InvalidInput', 'this group holds keys above "view"; an auditor cannot join it', { field: 'members' });
    const now = ctx.clock.now();
    const row = await guarded(async () => sealForMember(groupId, userId, publicKey, await openAsMember(self.member, self.me, true), now));
    await ctx.writes.write(
      [S.members, S.grants],
      [{ action: 'group.member.add', details: { groupId, userId } }],
      async (tx) => {
        if (await tx.objectStore(S.members).get([groupId, userId])) throw new VaultError('InvalidInput', 'already a member', { field: 'members' });
        // Again inside the write (issue #14): a grant above "view" to the group made in another tab meanwhile.
        if (role === 'auditor' && (await holdsDataIn(tx, groupId))) throw new VaultError('InvalidInput', 'this group holds keys above "view"; an auditor cannot join it', { field: 'members' });
        await tx.objectStore(S.members).add(row);
      },
      { links: () => ctx.ledger.prepare([{ type: 'member.add', group: groupId, user: userId }]) },
    );
  }

  /** Removes a member: the group gets a new key pair, its grants are wrapped again for it, and sealed for those who stay. */
  async removeMember(groupId: string, userId: UserId): Promise<Omit<Removal, 'groupsRekeyed' | 'groupsNotRekeyed'>> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('groups.manage');
    await this.#memberOf(groupId);
    const rekey = await prepareGroupRekey(ctx, groupId, [userId]);
    if (!rekey.removed.includes(userId)) throw new VaultError('InvalidInput', 'not a member of this group', { field: 'members' });
    if (rekey.members.length === 0) throw new VaultError('InvalidInput', 'a group keeps at least one member; delete the group instead', { field: 'members' });
    // The member held the group's private key, so every data key granted to the group: those keys get new ones (issue #14).
    const all = await guarded(() => ctx.db.getAll(S.grants));
    const exposed = all.filter((g) => g.principalId === groupId).map((g) => g.keyId);
    const keys = await prepareRekeys(ctx, exposed, all, '', new Map([[groupId, rekey.group.publicKey]]));
    const details = { groupId, userId, grantsRewrapped: rekey.grants.length, keysRekeyed: keys.rekeys.length, keysNotRekeyed: keys.skipped };
    const links: LedgerBody[] = [
      ...(ctx.ledger.isMember(groupId, userId, true) ? [{ type: 'member.remove', group: groupId, user: userId } as const] : []),
      { type: 'group.keys', id: groupId, ecdh: PrincipalLedger.point(rekey.group.publicKey) },
    ];
    await ctx.writes.write([S.groups, S.members, S.grants, S.keys, S.versions], [{ action: 'group.member.remove', details }], async (tx) => {
      await applyGroupRekey(tx, rekey);
      for (const r of keys.rekeys) await applyRekey(tx, r);
    }, { grants: true, links: () => ctx.ledger.prepare(links) });
    ctx.ring.forget();
    const keysRotated = await rotateRekeyed(ctx, keys.rekeys);
    return { keysRekeyed: keys.rekeys.length, keysNotRekeyed: keys.skipped, keysRotated };
  }

  /** Deletes a group that holds no grants (revoke them first, so no key is lost with it). */
  async deleteGroup(groupId: string): Promise<void> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('groups.manage');
    const grants = await guarded(() => ctx.db.countFromIndex(S.grants, 'byPrincipal', groupId));
    if (grants > 0) throw new VaultError('InvalidInput', `this group holds ${grants} grant(s): revoke them first`, { field: 'group' });
    const link: LedgerBody = { type: 'group.remove', id: groupId };
    await ctx.writes.write(
      [S.groups, S.members],
      [{ action: 'group.delete', details: { groupId } }],
      async (tx) => {
        const mem = tx.objectStore(S.members);
        const keys = await mem.getAllKeys(membersOf(groupId));
        await allRequests([() => tx.objectStore(S.groups).delete(groupId), ...keys.map((k) => () => mem.delete(k))]);
      },
      { links: () => ctx.ledger.prepare(ctx.ledger.state?.groups.has(groupId) === false ? [] : [link]) },
    );
    ctx.ring.forget();
  }

  /** Admins (the owner counts) left if `userId` had `role` instead. */
  async #adminsIf(userId: string, role: Role | null): Promise<number> {
    const users = await guarded(() => this.#ctx.db.getAll(S.users));
    const ledger = this.#ctx.ledger;
    return users.filter((u) => {
      const r = u.id === userId ? role : ledger.role(u.id, u.role);
      return r !== null && isAdmin(r);
    }).length;
  }

  async #memberOf(groupId: string): Promise<{ member: MemberRow; me: OpenPrincipal }> {
    const ctx = this.#ctx;
    await ctx.ring.load();
    const member = await guarded(() => ctx.db.get(S.members, [groupId, ctx.user.id]));
    const me = ctx.ring.principal(ctx.user.id);
    if (!(await guarded(() => ctx.db.get(S.groups, groupId)))) throw new VaultError('NotFound', 'no such group');
    if (!member || !me) throw new VaultError('AccessDenied', 'only a member of this group holds its key: ask one of its members');
    return { member, me };
  }
}
