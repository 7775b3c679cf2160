// Owns sharing a key with someone whose password we do not have: ECDH P-256 key pairs for users and
// groups, and an ephemeral-static ECDH + HKDF-SHA256 agreement that yields a one-off AES-256-GCM
// wrapping key (docs/FORMAT.md §2). The wrapping key then wraps a data key (wrapKey) or seals bytes.

import { assertBytes, concatBytes, utf8Encode } from './bytes';
import { CryptoError } from './errors';
import type { UserKey } from './keys';

const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
/** An uncompressed P-256 point: 0x04 ‖ X ‖ Y. */
export const EPK_BYTES = 65;
const HKDF_INFO = utf8Encode('keyward|ecdh-wrap|v1');

/** A principal's (user's or group's) ECDH P-256 key pair; the private key is extractable only to be sealed once. */
export interface EcdhKeyPair {
  publicKey: JsonWebKey;
  privateKey: CryptoKey;
}

export async function generateEcdhKeyPair(): Promise<EcdhKeyPair> {
  const pair = await crypto.subtle.generateKey(P256, true, ['deriveBits']);
  const publicKey = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { publicKey: bareJwk(publicKey), privateKey: pair.privateKey };
}

function bareJwk(jwk: JsonWebKey): JsonWebKey {
  const { kty, crv, x, y, d } = jwk;
  return d === undefined ? { kty, crv, x, y } : { kty, crv, x, y, d };
}

/** The private key's PKCS#8 bytes, to be sealed under the owner's user key or a member's wrapping key. */
export async function exportEcdhPrivate(privateKey: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey));
}

/** A private key from its sealed PKCS#8 bytes; non-extractable unless it must be sealed again. */
export async function importEcdhPrivate(pkcs8: Uint8Array, extractable = false): Promise<CryptoKey> {
  assertBytes(pkcs8, 'pkcs8');
  try {
    return await crypto.subtle.importKey('pkcs8', new Uint8Array(pkcs8), P256, extractable, ['deriveBits']);
  } catch (cause) {
    throw new CryptoError('MalformedEnvelope', 'the stored private key is not an ECDH P-256 key', { cause });
  }
}

async function importPublic(jwk: JsonWebKey): Promise<CryptoKey> {
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new TypeError('"publicKey" must be an EC P-256 public JWK');
  }
  try {
    return await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, P256, true, []);
  } catch (cause) {
    throw new TypeError('"publicKey" is not a point on P-256', { cause });
  }
}

async function agree(privateKey: CryptoKey, publicKey: CryptoKey, epk: Uint8Array, recipient: Uint8Array): Promise<UserKey> {
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  const base = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  // The salt binds the wrapping key to both public keys, so a wrapping made for one recipient opens for no other.
  return (await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: concatBytes(epk, recipient), info: HKDF_INFO },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey', 'encrypt', 'decrypt'],
  )) as UserKey;
}

/**
 * A fresh wrapping key for `recipient` (a public JWK): a new ephemeral key pair agrees with it.
 * Returns the ephemeral public point, stored beside what the key wraps, and the wrapping key.
 */
export async function wrappingKeyFor(recipient: JsonWebKey): Promise<{ epk: Uint8Array<ArrayBuffer>; key: UserKey }> {
  const theirs = await importPublic(recipient);
  const recipientRaw = new Uint8Array(await crypto.subtle.exportKey('raw', theirs));
  const eph = await crypto.subtle.generateKey(P256, false, ['deriveBits']);
  const epk = new Uint8Array(await crypto.subtle.exportKey('raw', eph.publicKey));
  return { epk, key: await agree(eph.privateKey, theirs, epk, recipientRaw) };
}

/** The wrapping key a sender made with wrappingKeyFor(), re-derived by the recipient from its private key. */
export async function wrappingKeyFrom(privateKey: CryptoKey, ownPublic: JsonWebKey, epk: Uint8Array): Promise<UserKey> {
  assertBytes(epk, 'epk');
  if (epk.length !== EPK_BYTES || epk[0] !== 4) throw new CryptoError('MalformedEnvelope', `an ephemeral public key must be ${EPK_BYTES} bytes (uncompressed P-256)`);
  let eph: CryptoKey;
  try {
    eph = await crypto.subtle.importKey('raw', new Uint8Array(epk), P256, false, []);
  } catch (cause) {
    throw new CryptoError('MalformedEnvelope', 'the ephemeral public key is not a P-256 point', { cause });
  }
  const mine = new Uint8Array(await crypto.subtle.exportKey('raw', await importPublic(ownPublic)));
  return agree(privateKey, eph, new Uint8Array(epk), mine);
}
