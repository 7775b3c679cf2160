// Owns opening a user's key with their password: the bounded KDF parameters and the unwrap. It is all the unlock
// screen needs of the user-key code, so the initial bundle does not carry password changes and rotation (issue #7).

import { checkKdfParams, CryptoError, deriveKek, unwrapUserKey, type KdfParams, type Kek, type UserKey } from '../crypto';
import type { UserRow } from '../storage';
import { aad } from './context';
import { VaultError } from './errors';
import { asVaultError, guarded } from './failures';

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
