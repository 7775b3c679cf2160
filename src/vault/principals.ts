// Owns the keys of principals (users and groups) and the wrappings that give them a record's keys:
// a user's ECDH key pair sealed under their user key, a group's private key sealed for each member,
// and grants wrapped either under the signed-in user's own key or, by ECDH, for anyone's public key.

import {
  exportEcdhPrivate,
  exportSigningPrivate,
  generateEcdhKeyPair,
  generateSigningKeyPair,
  importEcdhPrivate,
  importSigningPrivate,
  open,
  seal,
  toBase64Url,
  unwrapDataKey,
  wrapKey,
  wrappingKeyFor,
  wrappingKeyFrom,
  type DataKey,
  type UserKey,
} from '../crypto';
import type { GrantRow, MemberRow } from '../storage';
import { aad } from './context';

/** A principal whose private key is open in this session: the user, and each group they belong to. */
export interface OpenPrincipal {
  id: string;
  publicKey: JsonWebKey;
  privateKey: CryptoKey;
}

/** A user's ECDSA signing key as a session holds it (issue #14): non-extractable, with its public point in base64url. */
export interface UserSigningKey {
  key: CryptoKey;
  point: string;
}

/** A new signing key for a user: the private key sealed under their user key (UserRow.sealedSigningKey), and held. */
export async function newUserSigningKey(userId: string, userKey: UserKey): Promise<UserSigningKey & { sealed: Uint8Array }> {
  const pair = await generateSigningKeyPair();
  const pkcs8 = await exportSigningPrivate(pair.privateKey);
  try {
    const sealed = await seal(userKey, pkcs8, aad.userSigning(userId));
    return { sealed, key: (await importSigningPrivate(pkcs8)).privateKey, point: toBase64Url(pair.publicKey) };
  } finally {
    pkcs8.fill(0);
  }
}

/** A user's signing key from their row, its point taken from the key itself; null when there is none or it does not open. */
export async function openUserSigning(userId: string, userKey: UserKey, sealed: Uint8Array | undefined): Promise<UserSigningKey | null> {
  if (!sealed) return null;
  const pkcs8 = await open(userKey, sealed, aad.userSigning(userId)).catch(() => null);
  if (!pkcs8) return null;
  try {
    const pair = await importSigningPrivate(pkcs8);
    return { key: pair.privateKey, point: toBase64Url(pair.publicKey) };
  } catch {
    return null;
  } finally {
    pkcs8.fill(0);
  }
}

/** A new ECDH key pair for a user: the public JWK, and the private key sealed under their user key. */
export async function newUserKeyPair(userId: string, userKey: UserKey): Promise<{ publicKey: JsonWebKey; sealedPrivateKey: Uint8Array; privateKey: CryptoKey }> {
  const pair = await generateEcdhKeyPair();
  const pkcs8 = await exportEcdhPrivate(pair.privateKey);
  const sealedPrivateKey = await seal(userKey, pkcs8, aad.userPrivate(userId));
  pkcs8.fill(0);
  return { publicKey: pair.publicKey, sealedPrivateKey, privateKey: await importEcdhPrivate(await open(userKey, sealedPrivateKey, aad.userPrivate(userId))) };
}

export async function openUserPrivate(userId: string, userKey: UserKey, sealedPrivateKey: Uint8Array, extractable = false): Promise<CryptoKey> {
  const pkcs8 = await open(userKey, sealedPrivateKey, aad.userPrivate(userId));
  try {
    return await importEcdhPrivate(pkcs8, extractable);
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * A principal as held in a session from its private key opened extractable: the public half is derived from the
 * private key itself, never read from a row a storage writer can change (issue #14), and the private key kept is
 * non-extractable.
 */
export async function ownPrincipal(id: string, extractablePrivate: CryptoKey): Promise<OpenPrincipal> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', extractablePrivate);
  const pkcs8 = await exportEcdhPrivate(extractablePrivate);
  try {
    return { id, publicKey: { kty, crv, x, y }, privateKey: await importEcdhPrivate(pkcs8) };
  } finally {
    pkcs8.fill(0);
  }
}

/** The group's private key sealed for one member, through ECDH with the member's public key. */
export async function sealForMember(groupId: string, userId: string, memberPublic: JsonWebKey, groupPrivate: CryptoKey, at: number): Promise<MemberRow> {
  const { epk, key } = await wrappingKeyFor(memberPublic);
  const pkcs8 = await exportEcdhPrivate(groupPrivate);
  const sealedPrivateKey = await seal(key, pkcs8, aad.member(groupId, userId));
  pkcs8.fill(0);
  return { groupId, userId, addedAt: at, epk, sealedPrivateKey };
}

/** A member opens the group's private key with their own. `extractable` only to seal it for a new member. */
export async function openAsMember(member: MemberRow, self: OpenPrincipal, extractable = false): Promise<CryptoKey> {
  const key = await wrappingKeyFrom(self.privateKey, self.publicKey, member.epk);
  const pkcs8 = await open(key, member.sealedPrivateKey, aad.member(member.groupId, member.userId));
  try {
    return await importEcdhPrivate(pkcs8, extractable);
  } finally {
    pkcs8.fill(0);
  }
}

/** Keys a grant gives: the DEK (null for "view") and, for "view", the meta key. */
export interface KeySet {
  dek: DataKey | null;
  metaKey: DataKey | null;
}

/**
 * Wraps a record's keys for a principal. For the signed-in user themself, under their user key (fast to
 * open at every unlock); for anyone else, by ECDH with their public key — no password of theirs needed.
 * `dek` and `metaKey` must be extractable.
 */
export async function wrapGrant(
  base: Omit<GrantRow, 'wrappedDek' | 'wrappedMetaKey' | 'epk'>,
  keys: { dek: DataKey | null; metaKey: DataKey | null },
  to: { userKey: UserKey } | { publicKey: JsonWebKey },
): Promise<GrantRow> {
  const { keyId, principalId } = base;
  let wrapping: UserKey;
  let epk: Uint8Array | undefined;
  if ('userKey' in to) wrapping = to.userKey;
  else ({ epk, key: wrapping } = await wrappingKeyFor(to.publicKey));
  const row: GrantRow = { ...base, wrappedDek: keys.dek ? await wrapKey(wrapping, keys.dek, aad.dek(keyId, principalId)) : null };
  if (keys.metaKey) row.wrappedMetaKey = await wrapKey(wrapping, keys.metaKey, aad.grantMeta(keyId, principalId));
  if (epk) row.epk = epk;
  return row;
}

/** A grant without its wrappings: what wrapGrant takes to wrap it again (re-key, new group key, new user key). */
export function grantBase(g: GrantRow): Omit<GrantRow, 'wrappedDek' | 'wrappedMetaKey' | 'epk'> {
  const { wrappedDek: _d, wrappedMetaKey: _m, epk: _e, ...base } = g;
  return base;
}

/** Opens what a grant holds, with the user key (own wrapping) or the principal's private key (ECDH). */
export async function openGrant(grant: GrantRow, userKey: UserKey, principal: OpenPrincipal | undefined, extractable = false): Promise<KeySet> {
  let wrapping: UserKey;
  if (grant.epk) {
    if (!principal) throw new TypeError('no private key for this grant');
    wrapping = await wrappingKeyFrom(principal.privateKey, principal.publicKey, grant.epk);
  } else {
    wrapping = userKey;
  }
  const { keyId, principalId } = grant;
  return {
    dek: grant.wrappedDek ? await unwrapDataKey(wrapping, grant.wrappedDek, aad.dek(keyId, principalId), { extractable }) : null,
    metaKey: grant.wrappedMetaKey ? await unwrapDataKey(wrapping, grant.wrappedMetaKey, aad.grantMeta(keyId, principalId), { extractable }) : null,
  };
}
