// Owns signatures: ECDSA P-256 with SHA-256 key pairs for the people of a vault (issue #14), signing and verifying
// bytes (signatures in IEEE P1363 form, r ‖ s, 64 bytes), public keys as uncompressed points, and SHA-256.

import { assertBytes, bufferSource, fromBase64Url, toBase64Url } from './bytes';
import { CryptoError } from './errors';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** An uncompressed P-256 point, 0x04 ‖ X ‖ Y. */
export const POINT_BYTES = 65;
/** r ‖ s, 32 bytes each. */
export const SIGNATURE_BYTES = 64;

/** A signing key pair: the public point (raw) and the private key, extractable only so it can be sealed once. */
export interface SigningKeyPair {
  publicKey: Uint8Array<ArrayBuffer>;
  privateKey: CryptoKey;
}

export async function generateSigningKeyPair(): Promise<SigningKeyPair> {
  const pair = await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  return { publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)), privateKey: pair.privateKey };
}

/** The private key's PKCS#8 bytes, to be sealed under its owner's user key. */
export async function exportSigningPrivate(privateKey: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey));
}

/** A signing key from its sealed PKCS#8 bytes (non-extractable unless it must be sealed again), and its public point. */
export async function importSigningPrivate(pkcs8: Uint8Array, extractable = false): Promise<SigningKeyPair> {
  assertBytes(pkcs8, 'pkcs8');
  try {
    const exportable = await crypto.subtle.importKey('pkcs8', bufferSource(pkcs8), ECDSA, true, ['sign']);
    // The public point comes from the private key itself (its JWK carries x and y), never from storage.
    const jwk = await crypto.subtle.exportKey('jwk', exportable);
    const publicKey = pointFromJwk(jwk);
    const privateKey = extractable ? exportable : await crypto.subtle.importKey('pkcs8', bufferSource(pkcs8), ECDSA, false, ['sign']);
    return { publicKey, privateKey };
  } catch (cause) {
    throw new CryptoError('MalformedEnvelope', 'the stored signing key is not an ECDSA P-256 key', { cause });
  }
}

export async function sign(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  assertBytes(data, 'data');
  return new Uint8Array(await crypto.subtle.sign(SIGN, privateKey, bufferSource(data)));
}

/** Imports a public point for verifying; refuses anything but a 65-byte uncompressed point on P-256. */
export async function importVerifyKey(point: Uint8Array): Promise<CryptoKey> {
  assertBytes(point, 'point');
  if (point.length !== POINT_BYTES || point[0] !== 4) throw new CryptoError('MalformedEnvelope', `a public key must be ${POINT_BYTES} bytes (uncompressed P-256)`);
  try {
    return await crypto.subtle.importKey('raw', bufferSource(point), ECDSA, false, ['verify']);
  } catch (cause) {
    throw new CryptoError('MalformedEnvelope', 'the public key is not a P-256 point', { cause });
  }
}

/** True only for a 64-byte signature that verifies; any other length is false, never an exception. */
export async function verify(publicKey: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  assertBytes(signature, 'signature');
  assertBytes(data, 'data');
  if (signature.length !== SIGNATURE_BYTES) return false;
  return crypto.subtle.verify(SIGN, publicKey, bufferSource(signature), bufferSource(data));
}

export async function sha256(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  assertBytes(data, 'data');
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bufferSource(data)));
}

/** A P-256 public JWK (ECDH or ECDSA) as its uncompressed point, the form the vault's ledger signs. */
export function pointFromJwk(jwk: JsonWebKey): Uint8Array<ArrayBuffer> {
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new CryptoError('MalformedEnvelope', 'not an EC P-256 public key');
  }
  const x = fromBase64Url(jwk.x);
  const y = fromBase64Url(jwk.y);
  if (x.length !== 32 || y.length !== 32) throw new CryptoError('MalformedEnvelope', 'not an EC P-256 public key');
  const out = new Uint8Array(POINT_BYTES);
  out[0] = 4;
  out.set(x, 1);
  out.set(y, 33);
  return out;
}

/** The JWK of an uncompressed P-256 point (for ECDH wrapping, which takes JWKs). */
export function jwkFromPoint(point: Uint8Array): JsonWebKey {
  if (point.length !== POINT_BYTES || point[0] !== 4) throw new CryptoError('MalformedEnvelope', `a public key must be ${POINT_BYTES} bytes (uncompressed P-256)`);
  return { kty: 'EC', crv: 'P-256', x: toBase64Url(point.subarray(1, 33)), y: toBase64Url(point.subarray(33)) };
}
