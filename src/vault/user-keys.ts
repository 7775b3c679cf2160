// Owns a user's vault-level keys: password change and KDF upgrade (re-wrap the user key only), and user-key rotation.
// Each function prepares every new wrapping first (WebCrypto), and returns the rows to write; the session
// writes them with their audit entry in one transaction (ARCHITECTURE.md §3).

import {
  bytesEqual,
  DEFAULT_ITERATIONS,
  deriveKek,
  generateUserKey,
  newKdfParams,
  open,
  seal,
  unwrapDataKey,
  unwrapUserKey,
  wrapKey,
  type KdfParams,
  type Kek,
  type UserKey,
} from '../crypto';
import { allRequests, DB, type GrantRow, type KeywardDb, type MemberRow, type Tx, type StoreName, type UserRow } from '../storage';
import { aad } from './context';
import { VaultError } from './errors';
import { guarded } from './failures';
import { checkNewPassword } from './validate';
import { grantBase, newUserKeyPair, newUserSigningKey, openAsMember, openGrant, openUserPrivate, openUserSigning, ownPrincipal, sealForMember, wrapGrant } from './principals';
import { openUserKey, storedKdf } from './open-key';
import { rewrapSlots, slotsOf } from './passkeys';

// Opening the user key is the unlock screen's part: it lives in a small module of its own (issue #7: initial bundle).
export { openUserKey, storedKdf };

const S = DB.stores;

export async function readUser(db: KeywardDb, userId: string): Promise<UserRow> {
  const user = await guarded(() => db.get(S.users, userId));
  if (!user) throw new VaultError('NotFound', 'no such user');
  return user;
}

/** A prepared change to one user row (and maybe grants), applied inside the caller's transaction. */
export interface UserKeyChange {
  before: UserRow;
  update: Partial<UserRow>;
  grants: GrantRow[];
  /** Memberships sealed again (a first sign-in's new key pair); written only if the user's memberships are still these. */
  members?: MemberRow[];
  /** The user key to keep in memory afterwards (non-extractable). */
  userKey: UserKey | null;
  kdf: KdfParams;
  /**
   * A first sign-in's new keys for the ledger (issue #14): the new ECDH public key and signing key, and the signing key
   * the admin made (null if there was none), which signs the link that replaces them when the ledger knows it.
   */
  signing?: { ecdh: JsonWebKey; next: { key: CryptoKey; point: string }; previous: { key: CryptoKey; point: string } | null };
}

/** A user's signing key re-sealed under a new user key (rotation), or made anew (first sign-in). */
async function resealSigning(userId: string, sealed: Uint8Array | undefined, oldKey: UserKey, newKey: UserKey): Promise<Uint8Array | undefined> {
  if (!sealed) return undefined;
  const pkcs8 = await open(oldKey, sealed, aad.userSigning(userId)).catch(() => null);
  if (!pkcs8) return undefined;
  try {
    return await seal(newKey, pkcs8, aad.userSigning(userId));
  } finally {
    pkcs8.fill(0);
  }
}

/** The pin (issue #14) re-sealed under a new user key; dropped if it does not open (the next unlock pins afresh). */
async function resealPin(userId: string, sealed: Uint8Array | undefined, oldKey: UserKey, newKey: UserKey): Promise<Uint8Array | undefined> {
  if (!sealed) return undefined;
  const plain = await open(oldKey, sealed, aad.pin(userId)).catch(() => null);
  return plain ? seal(newKey, plain, aad.pin(userId)) : undefined;
}

/**
 * Applies a prepared change inside a readwrite transaction over users and grants: refuses if the user
 * row changed since it was read (another tab), or if keys were added meanwhile (their grant would be lost).
 */
export async function applyUserKeyChange(tx: Tx<StoreName[], 'readwrite'>, change: UserKeyChange): Promise<void> {
  const users = tx.objectStore(S.users);
  const stored = await users.get(change.before.id);
  if (!stored || !bytesEqual(stored.wrappedUserKey, change.before.wrappedUserKey)) {
    throw new VaultError('ChangedElsewhere', 'the user was changed elsewhere (another tab?); reload and try again');
  }
  const grants = tx.objectStore(S.grants);
  if (change.grants.length > 0 && (await grants.index('byPrincipal').count(change.before.id)) !== change.grants.length) {
    throw new VaultError('ChangedElsewhere', 'keys were added elsewhere meanwhile (another tab?); try again');
  }
  // A new user key re-wraps the passkey slots it read: one added or removed elsewhere meanwhile would be lost or kept.
  if (change.update.passkeys && !sameSlots(slotsOf(stored), change.update.passkeys)) {
    throw new VaultError('ChangedElsewhere', 'a passkey was added or removed elsewhere meanwhile (another tab?); try again');
  }
  // Only a first sign-in re-seals memberships (its transaction covers the members store).
  const resealed = change.members ?? [];
  if (change.members) {
    const members = tx.objectStore(S.members);
    if ((await members.index('byUser').count(change.before.id)) !== resealed.length) {
      throw new VaultError('ChangedElsewhere', 'a group membership changed elsewhere meanwhile (another tab?); try again');
    }
  }
  await allRequests([
    () => users.put({ ...stored, ...change.update }),
    ...change.grants.map((g) => () => grants.put(g)),
    ...resealed.map((m) => () => tx.objectStore(S.members).put(m)),
  ]);
}

function sameSlots(a: readonly { id: string }[], b: readonly { id: string }[]): boolean {
  return a.length === b.length && a.every((slot, i) => slot.id === b[i]!.id);
}

async function wrapUnderPassword(user: UserRow, userKey: UserKey, password: string, iterations: number): Promise<{ kdf: KdfParams; wrappedUserKey: Uint8Array; kek: Kek }> {
  const kdf = newKdfParams(iterations);
  const kek = await guarded(() => deriveKek(password, kdf));
  return { kdf, kek, wrappedUserKey: await guarded(() => wrapKey(kek, userKey, aad.userKey(user.id))) };
}

/** A new password: the user key is re-wrapped under a KEK from it (fresh salt); every record stays byte-identical. */
export async function preparePasswordChange(db: KeywardDb, userId: string, current: string, next: string): Promise<UserKeyChange> {
  const fresh = checkNewPassword(next);
  const user = await readUser(db, userId);
  const { userKey } = await openUserKey(user, current, { extractable: true });
  const iterations = Math.max(storedKdf(user).iterations, DEFAULT_ITERATIONS);
  const { kdf, wrappedUserKey } = await wrapUnderPassword(user, userKey, fresh, iterations);
  return { before: user, update: { kdf, wrappedUserKey, mustChangePassword: false }, grants: [], userKey: null, kdf };
}

/** KDF upgrade at unlock: the same password, more iterations. Takes the user key opened extractable for it. */
export async function prepareKdfUpgrade(user: UserRow, extractableUserKey: UserKey, password: string, floor: number): Promise<UserKeyChange> {
  const { kdf, wrappedUserKey } = await wrapUnderPassword(user, extractableUserKey, password, floor);
  return { before: user, update: { kdf, wrappedUserKey }, grants: [], userKey: null, kdf };
}

/**
 * A new user key: each data key this user holds (and the audit key) is unwrapped and wrapped again under
 * it, and the new user key under a KEK from the same password (fresh salt). Everything is prepared here;
 * the caller writes it in one transaction, so any failure leaves every old wrapping in place.
 */
export async function prepareUserKeyRotation(db: KeywardDb, userId: string, password: string): Promise<UserKeyChange> {
  const user = await readUser(db, userId);
  const { userKey: oldKey } = await openUserKey(user, password);
  const iterations = Math.max(storedKdf(user).iterations, DEFAULT_ITERATIONS);
  return guarded(async () => {
    const grants = await db.getAllFromIndex(S.grants, 'byPrincipal', userId);
    const newKey = await generateUserKey();
    // Grants made by ECDH (epk) hang on the user's key pair, which does not change: they are kept as they are.
    const rewrapped = await Promise.all(
      grants.map(async (g): Promise<GrantRow> => {
        if (g.epk) return g;
        const dek = g.wrappedDek ? await unwrapDataKey(oldKey, g.wrappedDek, aad.dek(g.keyId, userId), { extractable: true }) : null;
        const metaKey = g.wrappedMetaKey ? await unwrapDataKey(oldKey, g.wrappedMetaKey, aad.grantMeta(g.keyId, userId), { extractable: true }) : null;
        return wrapGrant(grantBase(g), { dek, metaKey }, { userKey: newKey });
      }),
    );
    const privateKey = user.sealedPrivateKey ? await open(oldKey, user.sealedPrivateKey, aad.userPrivate(userId)) : null;
    const sealedPrivateKey = privateKey ? await seal(newKey, privateKey, aad.userPrivate(userId)) : undefined;
    privateKey?.fill(0);
    const auditKey = await unwrapDataKey(oldKey, user.wrappedAuditKey, aad.auditKey(userId), { extractable: true });
    const wrappedAuditKey = await wrapKey(newKey, auditKey, aad.auditKey(userId));
    // Passkey slots follow without their authenticators (issue #18): S opens with the old user key.
    const passkeys = await rewrapSlots(userId, slotsOf(user), oldKey, newKey);
    const { kdf, kek, wrappedUserKey } = await wrapUnderPassword(user, newKey, password, iterations);
    const kept = await unwrapUserKey(kek, wrappedUserKey, aad.userKey(userId));
    // The signing key and the pin follow the user key (issue #14).
    const sealedSigningKey = await resealSigning(userId, user.sealedSigningKey, oldKey, newKey);
    const pin = await resealPin(userId, user.pin, oldKey, newKey);
    const update: Partial<UserRow> = {
      kdf,
      wrappedUserKey,
      wrappedAuditKey,
      ...(sealedPrivateKey ? { sealedPrivateKey } : {}),
      ...(user.passkeys ? { passkeys } : {}),
      sealedSigningKey,
      pin,
    };
    return { before: user, update, grants: rewrapped, userKey: kept, kdf };
  });
}

/**
 * A new user's first sign-in (issue #14): the admin who set the one-time password made their user key and key pair,
 * so the user makes new ones here. Every grant they hold is opened with the old keys and wrapped again under the new
 * user key; every membership is sealed again for the new public key; the audit key is wrapped again; the new user key
 * goes under a KEK from their own password. What is granted to them afterwards opens for the new keys only.
 */
export async function prepareFirstSignIn(db: KeywardDb, userId: string, oneTime: string, next: string): Promise<UserKeyChange> {
  const fresh = checkNewPassword(next);
  const user = await readUser(db, userId);
  const { userKey: oldKey } = await openUserKey(user, oneTime);
  const iterations = Math.max(storedKdf(user).iterations, DEFAULT_ITERATIONS);
  return guarded(async () => {
    const [grants, memberships] = await Promise.all([db.getAllFromIndex(S.grants, 'byPrincipal', userId), db.getAllFromIndex(S.members, 'byUser', userId)]);
    // The public half from the private key, not the row (issue #14): a swapped row key must not break the first sign-in.
    const oldSelf = user.sealedPrivateKey ? await ownPrincipal(userId, await openUserPrivate(userId, oldKey, user.sealedPrivateKey, true)) : undefined;
    const newKey = await generateUserKey();
    const pair = await newUserKeyPair(userId, newKey);
    const rewrapped = await Promise.all(grants.map(async (g) => wrapGrant(grantBase(g), await openGrant(g, oldKey, oldSelf, true), { userKey: newKey })));
    const members = await Promise.all(
      memberships.map(async (m) => {
        if (!oldSelf) throw new VaultError('Corrupt', 'a member has no key pair');
        return sealForMember(m.groupId, userId, pair.publicKey, await openAsMember(m, oldSelf, true), m.addedAt);
      }),
    );
    const auditKey = await unwrapDataKey(oldKey, user.wrappedAuditKey, aad.auditKey(userId), { extractable: true });
    const wrappedAuditKey = await wrapKey(newKey, auditKey, aad.auditKey(userId));
    const passkeys = await rewrapSlots(userId, slotsOf(user), oldKey, newKey);
    // A new signing key as well (issue #14); the admin's one signs the link that replaces it, then opens nothing.
    const previous = await openUserSigning(userId, oldKey, user.sealedSigningKey);
    const { sealed: sealedSigningKey, ...next } = await newUserSigningKey(userId, newKey);
    const pin = await resealPin(userId, user.pin, oldKey, newKey);
    const { kdf, kek, wrappedUserKey } = await wrapUnderPassword(user, newKey, fresh, iterations);
    const kept = await unwrapUserKey(kek, wrappedUserKey, aad.userKey(userId));
    const update: Partial<UserRow> = {
      kdf,
      wrappedUserKey,
      wrappedAuditKey,
      publicKey: pair.publicKey,
      sealedPrivateKey: pair.sealedPrivateKey,
      mustChangePassword: false,
      ...(user.passkeys ? { passkeys } : {}),
      sealedSigningKey,
      pin,
    };
    return { before: user, update, grants: rewrapped, members, userKey: kept, kdf, signing: { ecdh: pair.publicKey, next, previous } };
  });
}
