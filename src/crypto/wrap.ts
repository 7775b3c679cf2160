// Owns key generation and wrapping: user keys and data keys, wrapped with AES-256-GCM under a context AAD.

import { assertBytes, bufferSource, concatBytes } from './bytes';
import { CryptoError } from './errors';
import type { DataKey, UserKey, WrappingKey } from './keys';
import { checkAesGcmKey, IV_BYTES, TAG_BYTES, ENVELOPE_VERSION, WRAP_DOMAIN } from './aead';
import { randomBytes } from './random';

const AES_256_GCM = { name: 'AES-GCM', length: 256 } as const;
const USER_KEY_USAGES: KeyUsage[] = ['wrapKey', 'unwrapKey', 'encrypt', 'decrypt'];
const DATA_KEY_USAGES: KeyUsage[] = ['encrypt', 'decrypt'];
/** A wrapped AES-256 key: version byte ‖ IV ‖ (32-byte key encrypted) ‖ tag. */
export const WRAPPED_KEY_BYTES = 1 + IV_BYTES + 32 + TAG_BYTES;

export interface KeyOptions {
  /** Only for an operation that must wrap this key again (password change, rotation); default false. */
  extractable?: boolean;
}

/** A new user key. Extractable only because it must be wrapped once, right after creation. */
export async function generateUserKey(): Promise<UserKey> {
  return (await crypto.subtle.generateKey(AES_256_GCM, true, USER_KEY_USAGES)) as UserKey;
}

/** A new record data key. Extractable only because it must be wrapped once, right after creation. */
export async function generateDataKey(): Promise<DataKey> {
  return (await crypto.subtle.generateKey(AES_256_GCM, true, DATA_KEY_USAGES)) as DataKey;
}

function checkWrappingKey(key: CryptoKey, usage: KeyUsage): void {
  checkAesGcmKey(key, usage, 'wrappingKey');
}

/** Wraps an extractable AES key under `wrappingKey` with a fresh IV, bound to `aad`. */
export async function wrapKey(wrappingKey: WrappingKey, key: UserKey | DataKey, aad: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  checkWrappingKey(wrappingKey, 'wrapKey');
  if (!(key instanceof CryptoKey)) throw new TypeError('"key" must be a CryptoKey');
  // Only AES-256-GCM keys unwrap (WRAPPED_KEY_BYTES, unwrapAes); anything else would be stored and never open again.
  const algorithm = key.algorithm as Partial<AesKeyAlgorithm>;
  if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256) {
    throw new TypeError(`"key" must be an AES-256-GCM key, got ${String(algorithm.name)}${algorithm.length ? ` (${algorithm.length} bits)` : ''}`);
  }
  if (!key.extractable) throw new TypeError('"key" must be extractable to be wrapped');
  assertBytes(aad, 'aad');
  const iv = randomBytes(IV_BYTES);
  const wrapped = await crypto.subtle.wrapKey('raw', key, wrappingKey, { name: 'AES-GCM', iv, additionalData: concatBytes(WRAP_DOMAIN, aad), tagLength: TAG_BYTES * 8 });
  return concatBytes(Uint8Array.of(ENVELOPE_VERSION), iv, new Uint8Array(wrapped));
}

async function unwrapAes(wrappingKey: WrappingKey, wrapped: Uint8Array, aad: Uint8Array, usages: KeyUsage[], options: KeyOptions): Promise<CryptoKey> {
  checkWrappingKey(wrappingKey, 'unwrapKey');
  assertBytes(wrapped, 'wrapped');
  assertBytes(aad, 'aad');
  if (wrapped.length !== WRAPPED_KEY_BYTES) throw new CryptoError('MalformedEnvelope', `a wrapped key must be ${WRAPPED_KEY_BYTES} bytes, got ${wrapped.length}`);
  if (wrapped[0] !== ENVELOPE_VERSION) throw new CryptoError('MalformedEnvelope', `wrapped key format ${wrapped[0]} is not supported`);
  try {
    return await crypto.subtle.unwrapKey(
      'raw',
      bufferSource(wrapped.subarray(1 + IV_BYTES)),
      wrappingKey,
      { name: 'AES-GCM', iv: bufferSource(wrapped.subarray(1, 1 + IV_BYTES)), additionalData: concatBytes(WRAP_DOMAIN, aad), tagLength: TAG_BYTES * 8 },
      AES_256_GCM,
      options.extractable ?? false,
      usages,
    );
  } catch (cause) {
    throw new CryptoError('UnwrapFailed', 'the key could not be unwrapped: wrong key, wrong context or damaged data', { cause });
  }
}

export async function unwrapUserKey(kek: WrappingKey, wrapped: Uint8Array, aad: Uint8Array, options: KeyOptions = {}): Promise<UserKey> {
  return (await unwrapAes(kek, wrapped, aad, USER_KEY_USAGES, options)) as UserKey;
}

export async function unwrapDataKey(wrappingKey: WrappingKey, wrapped: Uint8Array, aad: Uint8Array, options: KeyOptions = {}): Promise<DataKey> {
  return (await unwrapAes(wrappingKey, wrapped, aad, DATA_KEY_USAGES, options)) as DataKey;
}
