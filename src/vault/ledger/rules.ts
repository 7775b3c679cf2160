// Owns who may state what in the ledger (docs/FORMAT.md §7.3): the principals as the links so far make them, which key
// must have signed the next link, and whether its signer was entitled to make it. Pure: no crypto, no storage.

import type { LedgerBody, LedgerRow, LedgerUser } from '../../storage';

export interface LedgerPrincipal extends LedgerUser {
  /** The first sign-in of a user added with a one-time password: when, from what client, and in which link. */
  firstSignIn: { at: number; client: string; seq: number } | null;
}

/** The principals after some links: the only source of roles, public keys and memberships a session trusts. */
export interface LedgerState {
  vaultId: string;
  users: Map<string, LedgerPrincipal>;
  groups: Map<string, { id: string; ecdh: string }>;
  /** `${groupId}|${userId}` */
  members: Set<string>;
  /** Ids that were ever used: a removed user or group never comes back under the same id. */
  retired: Set<string>;
}

export function emptyState(vaultId: string): LedgerState {
  return { vaultId, users: new Map(), groups: new Map(), members: new Set(), retired: new Set() };
}

export function cloneState(s: LedgerState): LedgerState {
  return { vaultId: s.vaultId, users: new Map(s.users), groups: new Map(s.groups), members: new Set(s.members), retired: new Set(s.retired) };
}

export const memberKey = (groupId: string, userId: string): string => `${groupId}|${userId}`;

const isAdmin = (u: LedgerPrincipal | undefined): boolean => u !== undefined && (u.role === 'owner' || u.role === 'admin');

/** Why a link is refused. */
export class Refused extends Error {}

/**
 * The public key (base64url point) that must have signed `link`, given the state before it: the new owner's own key
 * for the first link; for a user certified by the upgrade without a signing key, the key their `user.keys` brings
 * (trust on first use, FORMAT.md §7.5); otherwise the signer's key in the ledger.
 */
export function signingKeyFor(state: LedgerState, link: LedgerRow): string {
  const b = link.body;
  if (b.type === 'genesis') return b.user.sign ?? refuse('the first link has no signing key');
  const signer = state.users.get(link.by) ?? refuse('the signer is not a user of this vault');
  if (b.type === 'user.keys' && signer.sign === null && b.id === link.by) return b.sign;
  return signer.sign ?? refuse('the signer has no signing key yet');
}

function refuse(why: string): never {
  throw new Refused(why);
}

/**
 * Applies `link` to `state` in place, or throws Refused when its signer could not make it. Every check comes before
 * any change, so a refused link leaves the state as it was.
 */
export function apply(state: LedgerState, link: LedgerRow): LedgerState {
  const b: LedgerBody = link.body;
  const next = state;
  if (b.type === 'genesis') {
    if (link.seq !== 0) refuse('only the first link starts the ledger');
    if (b.vaultId !== state.vaultId) refuse('the first link names another vault');
    if (b.user.role !== 'owner' || b.user.id !== link.by) refuse('the first link must be the owner signing for themself');
    next.users.set(b.user.id, { ...b.user, firstSignIn: null });
    next.retired.add(b.user.id);
    return next;
  }
  if (link.seq === 0) refuse('the first link must start the ledger');
  const signer = state.users.get(link.by);
  const admin = isAdmin(signer);
  switch (b.type) {
    case 'user.add':
      if (!admin) refuse('only an admin adds users');
      if (state.retired.has(b.user.id) || state.groups.has(b.user.id)) refuse('that id is taken');
      if (b.user.role === 'owner') refuse('there is one owner');
      next.users.set(b.user.id, { ...b.user, firstSignIn: null });
      next.retired.add(b.user.id);
      return next;
    case 'user.keys': {
      const target = state.users.get(b.id) ?? refuse('no such user');
      // Only the user themself, with the key the ledger knows for them: an admin cannot swap someone's keys.
      if (link.by !== b.id) refuse('only users change their own keys');
      if (b.first && target.firstSignIn) refuse('the first sign-in happened already');
      next.users.set(b.id, { ...target, ecdh: b.ecdh, sign: b.sign, firstSignIn: b.first ? { at: link.at, client: b.first.client, seq: link.seq } : target.firstSignIn });
      return next;
    }
    case 'user.role': {
      if (!admin) refuse('only an admin changes roles');
      const target = state.users.get(b.id) ?? refuse('no such user');
      if (target.role === 'owner') refuse("the owner's role does not change");
      next.users.set(b.id, { ...target, role: b.role });
      return next;
    }
    case 'user.remove': {
      if (!admin) refuse('only an admin removes users');
      const target = state.users.get(b.id) ?? refuse('no such user');
      if (target.role === 'owner') refuse('the owner cannot be removed');
      if (b.id === link.by) refuse('users do not remove themselves');
      next.users.delete(b.id);
      for (const m of state.members) if (m.endsWith(`|${b.id}`)) next.members.delete(m);
      return next;
    }
    case 'group.add':
      if (!admin) refuse('only an admin creates groups');
      if (state.retired.has(b.id) || state.users.has(b.id)) refuse('that id is taken');
      next.groups.set(b.id, { id: b.id, ecdh: b.ecdh });
      next.retired.add(b.id);
      return next;
    case 'group.keys':
      if (!admin) refuse("only an admin changes a group's keys");
      if (!state.groups.has(b.id)) refuse('no such group');
      next.groups.set(b.id, { id: b.id, ecdh: b.ecdh });
      return next;
    case 'group.remove':
      if (!admin) refuse('only an admin deletes groups');
      if (!state.groups.has(b.id)) refuse('no such group');
      next.groups.delete(b.id);
      for (const m of state.members) if (m.startsWith(`${b.id}|`)) next.members.delete(m);
      return next;
    case 'member.add':
      if (!admin) refuse('only an admin adds members');
      if (!state.groups.has(b.group) || !state.users.has(b.user)) refuse('no such group or user');
      if (state.members.has(memberKey(b.group, b.user))) refuse('already a member');
      next.members.add(memberKey(b.group, b.user));
      return next;
    case 'member.remove':
      if (!admin) refuse('only an admin removes members');
      if (!state.members.has(memberKey(b.group, b.user))) refuse('not a member');
      next.members.delete(memberKey(b.group, b.user));
      return next;
  }
}
