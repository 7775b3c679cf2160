// Owns randomness: every random byte in Keyward comes from crypto.getRandomValues, here.

import { toBase64, toBase64Url, toHex } from './bytes';

export const SECRET_MIN_BYTES = 16;
export const SECRET_MAX_BYTES = 64;
export const SECRET_DEFAULT_BYTES = 32;

export const SECRET_FORMATS = ['hex', 'base64', 'base64url'] as const;
export type SecretFormat = (typeof SECRET_FORMATS)[number];

/** getRandomValues fills at most 65,536 bytes a call; larger requests are filled in slices. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`"length" must be a non-negative integer, got ${length}`);
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
  return out;
}

export function encodeSecret(bytes: Uint8Array, format: SecretFormat): string {
  switch (format) {
    case 'hex':
      return toHex(bytes);
    case 'base64':
      return toBase64(bytes);
    case 'base64url':
      return toBase64Url(bytes);
    default:
      throw new RangeError(`"format" must be one of ${SECRET_FORMATS.join(', ')}, got ${String(format)}`);
  }
}

/** A new secret of `bytes` random bytes (16–64, default 32), encoded as text. */
export function generateSecret(options: { bytes?: number; format?: SecretFormat } = {}): string {
  const bytes = options.bytes ?? SECRET_DEFAULT_BYTES;
  const format = options.format ?? 'base64url';
  if (!Number.isInteger(bytes) || bytes < SECRET_MIN_BYTES || bytes > SECRET_MAX_BYTES) {
    throw new RangeError(`"bytes" must be an integer from ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES}, got ${bytes}`);
  }
  if (!SECRET_FORMATS.includes(format)) {
    throw new RangeError(`"format" must be one of ${SECRET_FORMATS.join(', ')}, got ${String(format)}`);
  }
  return encodeSecret(randomBytes(bytes), format);
}

/** A random id (128 bits, base64url): unguessable, unique, safe in URLs and as IndexedDB keys. */
export function randomId(): string {
  return toBase64Url(randomBytes(16));
}
