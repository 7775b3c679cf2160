// Owns AES-256-GCM: raw encrypt/decrypt with a 96-bit IV and 128-bit tag, and the sealed envelope with context AAD.

import { assertBytes, bufferSource, concatBytes, utf8Encode } from './bytes';
import { CryptoError } from './errors';
import type { DataKey, UserKey } from './keys';
import { randomBytes } from './random';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** FORMAT.md §2: first byte of every sealed envelope. */
export const ENVELOPE_VERSION = 1;
const ENVELOPE_OVERHEAD = 1 + IV_BYTES + TAG_BYTES;
/**
 * FORMAT.md §2–3: domain prefixes of the GCM AAD. A sealed envelope and a wrapped key share one layout;
 * without distinct domains a wrapped key could be opened as data (or a 32-byte value unwrapped as a key)
 * by a caller that reused a context.
 */
export const SEAL_DOMAIN = utf8Encode('seal|');
export const WRAP_DOMAIN = utf8Encode('wrap|');

/** A key that can encrypt: a record's data key, or a user key for that user's own data. */
export type SealingKey = DataKey | UserKey;

function checkIv(iv: Uint8Array): void {
  assertBytes(iv, 'iv');
  if (iv.length !== IV_BYTES) throw new RangeError(`"iv" must be ${IV_BYTES} bytes, got ${iv.length}`);
}

/** Keys already seen to be AES-GCM keys allowing the usage (a CryptoKey's algorithm and usages never change). */
const checkedKeys: Partial<Record<KeyUsage, WeakSet<CryptoKey>>> = {};

/** Throws TypeError unless `key` (called `name` in the message) is an AES-GCM CryptoKey allowing `usage`; remembered per key. */
export function checkAesGcmKey(key: CryptoKey, usage: KeyUsage, name = 'key'): void {
  if (!(key instanceof CryptoKey)) throw new TypeError(`"${name}" must be a CryptoKey`);
  const checked = (checkedKeys[usage] ??= new WeakSet());
  if (checked.has(key)) return;
  if (key.algorithm.name !== 'AES-GCM') throw new TypeError(`"${name}" must be an AES-GCM key, got ${key.algorithm.name}`);
  if (!key.usages.includes(usage)) throw new TypeError(`"${name}" must allow ${usage}`);
  checked.add(key);
}

/** AES-GCM encryption with a caller-chosen 96-bit IV; returns ciphertext ‖ 128-bit tag. For vectors and the envelope only. */
export async function aesGcmEncrypt(key: CryptoKey, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  checkAesGcmKey(key, 'encrypt');
  checkIv(iv);
  assertBytes(plaintext, 'plaintext');
  assertBytes(aad, 'aad');
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: bufferSource(iv), additionalData: bufferSource(aad), tagLength: TAG_BYTES * 8 },
    key,
    bufferSource(plaintext),
  );
  return new Uint8Array(ct);
}

/** AES-GCM decryption of ciphertext ‖ tag; any authentication failure is CryptoError('DecryptFailed'). */
export async function aesGcmDecrypt(key: CryptoKey, iv: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  checkAesGcmKey(key, 'decrypt');
  checkIv(iv);
  assertBytes(ciphertextAndTag, 'ciphertext');
  assertBytes(aad, 'aad');
  if (ciphertextAndTag.length < TAG_BYTES) throw new CryptoError('DecryptFailed', 'ciphertext is shorter than the authentication tag');
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bufferSource(iv), additionalData: bufferSource(aad), tagLength: TAG_BYTES * 8 },
      key,
      bufferSource(ciphertextAndTag),
    );
    return new Uint8Array(pt);
  } catch (cause) {
    throw new CryptoError('DecryptFailed', 'decryption failed: wrong key, wrong context or damaged data', { cause });
  }
}

/**
 * The context an envelope is bound to, as AAD (FORMAT.md §2): `kw1|<kind>|<id>|<field>|<version>`.
 * Parts must not contain "|", so two different contexts can never produce the same AAD.
 */
export function contextAad(kind: string, id: string, field: string, version: number = 0): Uint8Array<ArrayBuffer> {
  for (const [name, part] of [['kind', kind], ['id', id], ['field', field]] as const) {
    if (typeof part !== 'string' || part.length === 0) throw new TypeError(`"${name}" must be a non-empty string`);
    if (part.includes('|')) throw new RangeError(`"${name}" must not contain "|"`);
  }
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`"version" must be a non-negative integer, got ${version}`);
  return utf8Encode(`kw${ENVELOPE_VERSION}|${kind}|${id}|${field}|${version}`);
}

/** Encrypts under a fresh random IV: returns version byte ‖ IV ‖ ciphertext ‖ tag. */
export async function seal(key: SealingKey, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const iv = randomBytes(IV_BYTES);
  assertBytes(aad, 'aad');
  const ct = await aesGcmEncrypt(key, iv, plaintext, concatBytes(SEAL_DOMAIN, aad));
  return concatBytes(Uint8Array.of(ENVELOPE_VERSION), iv, ct);
}

/** Opens an envelope made by seal with the same key and AAD; anything else fails closed. */
export async function open(key: SealingKey, envelope: Uint8Array, aad: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  assertBytes(envelope, 'envelope');
  if (envelope.length < ENVELOPE_OVERHEAD) throw new CryptoError('MalformedEnvelope', `envelope is ${envelope.length} bytes, shorter than the ${ENVELOPE_OVERHEAD}-byte minimum`);
  if (envelope[0] !== ENVELOPE_VERSION) throw new CryptoError('MalformedEnvelope', `envelope format ${envelope[0]} is not supported`);
  assertBytes(aad, 'aad');
  return aesGcmDecrypt(key, envelope.subarray(1, 1 + IV_BYTES), envelope.subarray(1 + IV_BYTES), concatBytes(SEAL_DOMAIN, aad));
}
