// Owns the key-encryption key of a passkey slot (issue #18): a WebAuthn PRF output checked, then HKDF-SHA256 with the
// slot's salt and its own info string into a non-extractable AES-256-GCM wrapping key (docs/FORMAT.md §3.2).

import { assertBytes, utf8Encode } from './bytes';
import { CryptoError } from './errors';
import type { Kek } from './keys';

/** A PRF output (the WebAuthn `prf` extension's `results.first`) is exactly 32 bytes. */
export const PRF_BYTES = 32;
/** Each slot's random PRF salt, handed to the authenticator as `eval.first`. */
export const PRF_SALT_BYTES = 32;
/** HKDF `info` of a passkey slot's KEK. */
export const PASSKEY_SLOT_INFO = 'keyward/passkey-slot/v1';

/**
 * Refuses a PRF output that cannot be a real one before it reaches any unwrap: not a Uint8Array, not exactly 32 bytes,
 * or all zero (a broken or hostile authenticator; an all-zero IKM would be one fixed KEK for every slot).
 */
export function checkPrfOutput(prfOutput: unknown): Uint8Array {
  if (!(prfOutput instanceof Uint8Array)) throw new CryptoError('WeakKeyMaterial', 'the passkey gave no PRF output');
  if (prfOutput.length !== PRF_BYTES) throw new CryptoError('WeakKeyMaterial', `a PRF output must be ${PRF_BYTES} bytes, got ${prfOutput.length}`);
  if (prfOutput.every((b) => b === 0)) throw new CryptoError('WeakKeyMaterial', 'the PRF output is all zero');
  return prfOutput;
}

/** KEK_prf = HKDF-SHA256(IKM = PRF output, salt = the slot's 32-byte salt, info = PASSKEY_SLOT_INFO) as an AES-256-GCM KEK. */
export async function derivePrfKek(prfOutput: unknown, salt: Uint8Array): Promise<Kek> {
  const ikm = checkPrfOutput(prfOutput);
  assertBytes(salt, 'salt');
  if (salt.length !== PRF_SALT_BYTES) throw new CryptoError('WeakKeyMaterial', `a PRF salt must be ${PRF_SALT_BYTES} bytes, got ${salt.length}`);
  const base = await crypto.subtle.importKey('raw', new Uint8Array(ikm), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(salt), info: utf8Encode(PASSKEY_SLOT_INFO) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
  return key as Kek;
}
