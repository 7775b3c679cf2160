// Owns a user's vault-level keys: password change and KDF upgrade (re-wrap the user key only), and user-key rotation.

import {
  bytesEqual,
  checkKdfParams,
  CryptoError,
  DEFAULT_ITERATIONS,
  deriveKek,
  generateUserKey,
  newKdfParams,
  unwrapDataKey,
  unwrapUserKey,
  wrapKey,
  type KdfParams,
  type Kek,
  type UserKey,
} from '../crypto';
import { allRequests, DB, withTx, type KeywardDb, type UserRow } from '../storage';
import { aad } from './context';
import { VaultError } from './errors';
import { asVaultError, guarded } from './failures';
import { checkNewPassword } from './validate';

const S = DB.stores;

async function readUser(db: KeywardDb, userId: string): Promise<UserRow> {
  const user = await guarded(() => db.get(S.users, userId));
  if (!user) throw new VaultError('NotFound', 'no such user');
  return user;
}

export function storedKdf(user: UserRow): KdfParams {
  try {
    // Bounded before use: a tampered iteration count cannot hang the app (ARCHITECTURE.md §2).
    return checkKdfParams(user.kdf);
  } catch (cause) {
    throw new VaultError('Corrupt', 'the stored key-derivation parameters are out of bounds', { cause });
  }
}

/** Derives the KEK and opens the stored user key; a wrong password is WrongPassword, nothing else. */
export async function openUserKey(user: UserRow, password: string, options: { extractable?: boolean } = {}): Promise<{ kek: Kek; userKey: UserKey }> {
  const kek = await guarded(() => deriveKek(password, storedKdf(user)));
  try {
    return { kek, userKey: await unwrapUserKey(kek, user.wrappedUserKey, aad.userKey(user.id), options) };
  } catch (error) {
    if (error instanceof CryptoError && error.code === 'UnwrapFailed') throw new VaultError('WrongPassword', 'the password does not open this vault');
    throw asVaultError(error);
  }
}

/**
 * Wraps `userKey` (extractable) under a KEK from `password` with fresh KDF parameters, and writes the
 * user row only if it still holds the wrapping read before (so a concurrent change in another tab is not lost).
 */
async function rewrapUserKey(db: KeywardDb, user: UserRow, userKey: UserKey, password: string, iterations: number): Promise<KdfParams> {
  const kdf = newKdfParams(iterations);
  const kek = await guarded(() => deriveKek(password, kdf));
  const wrappedUserKey = await guarded(() => wrapKey(kek, userKey, aad.userKey(user.id)));
  await guarded(() =>
    withTx(db, [S.users], 'readwrite', async (tx) => {
      const stored = await tx.objectStore(S.users).get(user.id);
      if (!stored || !bytesEqual(stored.wrappedUserKey, user.wrappedUserKey)) {
        throw new VaultError('StorageFailed', 'the user was changed elsewhere (another tab?); reload and try again');
      }
      await tx.objectStore(S.users).put({ ...stored, kdf, wrappedUserKey });
    }),
  );
  return kdf;
}

/** Changes a password: re-wraps the user key only; every record stays byte-identical. Returns the iterations. */
export async function changePassword(db: KeywardDb, userId: string, current: string, next: string): Promise<number> {
  const fresh = checkNewPassword(next);
  const user = await readUser(db, userId);
  const { userKey } = await openUserKey(user, current, { extractable: true });
  const iterations = Math.max(storedKdf(user).iterations, DEFAULT_ITERATIONS);
  return (await rewrapUserKey(db, user, userKey, fresh, iterations)).iterations;
}

/**
 * On unlock: stored iterations below `floor` (the current default) are raised, with the password just
 * typed. Takes the user key opened extractable for this purpose; returns a non-extractable copy to keep.
 */
export async function upgradeKdf(db: KeywardDb, user: UserRow, extractableUserKey: UserKey, password: string, floor: number): Promise<{ from: number; to: number; userKey: UserKey }> {
  const from = storedKdf(user).iterations;
  const kdf = await rewrapUserKey(db, user, extractableUserKey, password, floor);
  const stored = await guarded(() => db.get(S.users, user.id));
  if (!stored) throw new VaultError('NotFound', 'no such user');
  const { userKey } = await openUserKey(stored, password);
  return { from, to: kdf.iterations, userKey };
}

/**
 * A new user key: each data key this user holds is unwrapped and wrapped again under it, and the new
 * user key under a KEK from the same password (fresh salt). Everything is prepared first, then written
 * in one transaction: any failure leaves the old user key and every old wrapping in place.
 */
export async function rotateUserKey(db: KeywardDb, userId: string, password: string): Promise<{ userKey: UserKey; rewrapped: number }> {
  const user = await readUser(db, userId);
  const { userKey: oldKey } = await openUserKey(user, password);
  const iterations = Math.max(storedKdf(user).iterations, DEFAULT_ITERATIONS);
  const kdf = newKdfParams(iterations);
  return guarded(async () => {
    const grants = await db.getAllFromIndex(S.grants, 'byPrincipal', userId);
    const newKey = await generateUserKey();
    const rewrapped = await Promise.all(
      grants.map(async (g) => {
        const dek = await unwrapDataKey(oldKey, g.wrappedDek, aad.dek(g.keyId, userId), { extractable: true });
        return { ...g, wrappedDek: await wrapKey(newKey, dek, aad.dek(g.keyId, userId)) };
      }),
    );
    const kek = await deriveKek(password, kdf);
    const wrappedUserKey = await wrapKey(kek, newKey, aad.userKey(userId));
    const kept = await unwrapUserKey(kek, wrappedUserKey, aad.userKey(userId));
    await withTx(db, [S.users, S.grants], 'readwrite', async (tx) => {
      const stored = await tx.objectStore(S.users).get(userId);
      if (!stored) throw new VaultError('NotFound', 'no such user');
      const grantsStore = tx.objectStore(S.grants);
      // Only the wrappings prepared above may be replaced: a key added meanwhile would lose its grant.
      const now = await grantsStore.index('byPrincipal').count(userId);
      if (now !== rewrapped.length) throw new VaultError('StorageFailed', 'keys were added elsewhere meanwhile (another tab?); try again');
      await allRequests([() => tx.objectStore(S.users).put({ ...stored, kdf, wrappedUserKey }), ...rewrapped.map((g) => () => grantsStore.put(g))]);
    });
    return { userKey: kept, rewrapped: rewrapped.length };
  });
}
