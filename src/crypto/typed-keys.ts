// Owns typed keys: WebCrypto generation of symmetric keys and key pairs, JWK/PEM export, and validated import.

import { fromBase64, fromBase64Url, fromHex, toBase64 } from './bytes';
import { parseJson } from './json';

export const RSA_SIZES = [2048, 3072, 4096] as const;
export type RsaSize = (typeof RSA_SIZES)[number];

/** Every typed key Keyward makes. Hashes are fixed where the issue fixes them (SHA-256 for ECDSA and RSA). */
export type KeyAlgorithm =
  | { readonly kind: 'aes-gcm'; readonly length: 128 | 256 }
  | { readonly kind: 'hmac'; readonly hash: 'SHA-256' | 'SHA-512' }
  | { readonly kind: 'ecdsa-p256' }
  | { readonly kind: 'ed25519' }
  | { readonly kind: 'rsa-oaep'; readonly modulusLength: RsaSize }
  | { readonly kind: 'rsa-pss'; readonly modulusLength: RsaSize };

export type KeyAlgorithmKind = KeyAlgorithm['kind'];

/**
 * Key material as JWK. Symmetric keys have `secret`; key pairs have `privateKey` and `publicKey`,
 * or only `publicKey` when a public key was imported on its own.
 */
export interface KeyMaterial {
  readonly secret?: JsonWebKey;
  readonly privateKey?: JsonWebKey;
  readonly publicKey?: JsonWebKey;
}

export type TypedKeyErrorReason =
  | 'Malformed' // not PEM, JWK, hex or base64 at all
  | 'WrongType' // a valid key, but not of the expected algorithm or size
  | 'Unsupported'; // the browser lacks the algorithm (Ed25519 in older browsers)

/** Thrown by importKeyMaterial and generateTypedKey: `reason` says what the person must fix. */
export class TypedKeyError extends Error {
  override readonly name = 'TypedKeyError';
  constructor(
    readonly reason: TypedKeyErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isSymmetric(alg: KeyAlgorithm): alg is Extract<KeyAlgorithm, { kind: 'aes-gcm' | 'hmac' }> {
  return alg.kind === 'aes-gcm' || alg.kind === 'hmac';
}

/** Checks an algorithm description that came from storage, a file or a form. */
export function checkKeyAlgorithm(value: unknown): KeyAlgorithm {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null) throw new TypeError('"algorithm" must be an object');
  switch (v.kind) {
    case 'aes-gcm':
      if (v.length === 128 || v.length === 256) return { kind: 'aes-gcm', length: v.length };
      break;
    case 'hmac':
      if (v.hash === 'SHA-256' || v.hash === 'SHA-512') return { kind: 'hmac', hash: v.hash };
      break;
    case 'ecdsa-p256':
    case 'ed25519':
      return { kind: v.kind };
    case 'rsa-oaep':
    case 'rsa-pss':
      if (RSA_SIZES.includes(v.modulusLength as RsaSize)) return { kind: v.kind, modulusLength: v.modulusLength as RsaSize };
      break;
  }
  throw new RangeError(`"algorithm" is not a supported key type: ${JSON.stringify(value)}`);
}

type Params = AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams | AesKeyAlgorithm;

function importParams(alg: KeyAlgorithm): Params {
  switch (alg.kind) {
    case 'aes-gcm':
      return { name: 'AES-GCM', length: alg.length };
    case 'hmac':
      return { name: 'HMAC', hash: alg.hash };
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ed25519':
      return { name: 'Ed25519' };
    case 'rsa-oaep':
      return { name: 'RSA-OAEP', hash: 'SHA-256' };
    case 'rsa-pss':
      return { name: 'RSA-PSS', hash: 'SHA-256' };
  }
}

function usages(alg: KeyAlgorithm, part: 'secret' | 'private' | 'public'): KeyUsage[] {
  switch (alg.kind) {
    case 'aes-gcm':
      return ['encrypt', 'decrypt'];
    case 'hmac':
      return ['sign', 'verify'];
    case 'rsa-oaep':
      return part === 'private' ? ['decrypt'] : ['encrypt'];
    default:
      return part === 'private' ? ['sign'] : ['verify'];
  }
}

/** Whether this browser can make and use Ed25519 keys (Chromium 137+, Firefox 129+, Safari 17+, Node 20). */
export async function ed25519Supported(): Promise<boolean> {
  try {
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

const PRIVATE_JWK_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The public half of a private JWK: the same key without its private members. */
function publicJwkOf(jwk: JsonWebKey, alg: KeyAlgorithm): JsonWebKey {
  const pub: Record<string, unknown> = { ...jwk, key_ops: usages(alg, 'public'), ext: true };
  for (const f of PRIVATE_JWK_FIELDS) delete pub[f];
  return pub as JsonWebKey;
}

/** A fresh typed key from the platform CSPRNG, exported as JWK. */
export async function generateTypedKey(algorithm: KeyAlgorithm): Promise<KeyMaterial> {
  const alg = checkKeyAlgorithm(algorithm);
  const params: AlgorithmIdentifier | RsaHashedKeyGenParams | EcKeyGenParams | HmacKeyGenParams | AesKeyGenParams =
    alg.kind === 'rsa-oaep' || alg.kind === 'rsa-pss'
      ? { ...(importParams(alg) as RsaHashedImportParams), modulusLength: alg.modulusLength, publicExponent: new Uint8Array([1, 0, 1]) }
      : (importParams(alg) as AlgorithmIdentifier);
  let generated: CryptoKey | CryptoKeyPair;
  try {
    generated = await crypto.subtle.generateKey(params, true, isSymmetric(alg) ? usages(alg, 'secret') : [...usages(alg, 'private'), ...usages(alg, 'public')]);
  } catch (cause) {
    if (alg.kind === 'ed25519') throw new TypedKeyError('Unsupported', 'this browser cannot make Ed25519 keys', { cause });
    throw cause;
  }
  if (generated instanceof CryptoKey) return { secret: await crypto.subtle.exportKey('jwk', generated) };
  const privateKey = await crypto.subtle.exportKey('jwk', generated.privateKey);
  return { privateKey, publicKey: await crypto.subtle.exportKey('jwk', generated.publicKey) };
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = toBase64(new Uint8Array(der));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

async function importJwk(jwk: JsonWebKey, alg: KeyAlgorithm, part: 'secret' | 'private' | 'public'): Promise<CryptoKey> {
  const { key_ops: _ops, ext: _ext, ...bare } = jwk;
  return crypto.subtle.importKey('jwk', bare, importParams(alg), true, usages(alg, part));
}

/** The public key as SPKI PEM ("-----BEGIN PUBLIC KEY-----"). */
export async function exportPublicPem(material: KeyMaterial, algorithm: KeyAlgorithm): Promise<string> {
  if (!material.publicKey) throw new TypeError('"material" has no public key');
  return pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', await importJwk(material.publicKey, algorithm, 'public')));
}

/** The private key as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). Only on an explicit reveal. */
export async function exportPrivatePem(material: KeyMaterial, algorithm: KeyAlgorithm): Promise<string> {
  if (!material.privateKey) throw new TypeError('"material" has no private key');
  return pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', await importJwk(material.privateKey, algorithm, 'private')));
}

const PEM_RE = /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----\s*$/;

async function validated(alg: KeyAlgorithm, load: () => Promise<KeyMaterial>): Promise<KeyMaterial> {
  try {
    return await load();
  } catch (cause) {
    if (cause instanceof TypedKeyError) throw cause;
    if (alg.kind === 'ed25519' && !(await ed25519Supported())) throw new TypedKeyError('Unsupported', 'this browser cannot use Ed25519 keys', { cause });
    throw new TypedKeyError('WrongType', `this is not a valid ${describeAlgorithm(alg)} key`, { cause });
  }
}

/** The private or secret JWK re-exported from a validated CryptoKey, so what is stored is canonical. */
async function fromPrivateKey(key: CryptoKey, alg: KeyAlgorithm): Promise<KeyMaterial> {
  const jwk = await crypto.subtle.exportKey('jwk', key);
  if (isSymmetric(alg)) return { secret: jwk };
  const publicKey = publicJwkOf(jwk, alg);
  // Prove the public half is a valid key of this type too.
  await importJwk(publicKey, alg, 'public');
  return { privateKey: jwk, publicKey };
}

function checkSize(key: CryptoKey, alg: KeyAlgorithm): void {
  const a = key.algorithm as Partial<RsaHashedKeyAlgorithm & AesKeyAlgorithm & HmacKeyAlgorithm>;
  if ((alg.kind === 'rsa-oaep' || alg.kind === 'rsa-pss') && a.modulusLength !== alg.modulusLength) {
    throw new TypedKeyError('WrongType', `this RSA key has ${a.modulusLength} bits, not ${alg.modulusLength}`);
  }
  if (alg.kind === 'aes-gcm' && a.length !== alg.length) throw new TypedKeyError('WrongType', `this AES key has ${a.length} bits, not ${alg.length}`);
  if (alg.kind === 'hmac' && a.hash && (a.hash as KeyAlgorithm & { name: string }).name !== alg.hash) {
    throw new TypedKeyError('WrongType', `this HMAC key is for ${(a.hash as { name: string }).name}, not ${alg.hash}`);
  }
}

/**
 * Imports pasted text as a key of `algorithm`: PEM (PKCS#8 private or SPKI public), JWK (JSON), or, for
 * symmetric keys only, raw bytes as hex or base64/base64url. Every form is loaded by WebCrypto, so only
 * a key the platform accepts as that type gets through.
 */
export async function importKeyMaterial(text: string, algorithm: KeyAlgorithm): Promise<KeyMaterial> {
  const alg = checkKeyAlgorithm(algorithm);
  if (typeof text !== 'string') throw new TypeError('"text" must be a string');
  const input = text.trim();
  if (input.length === 0) throw new TypedKeyError('Malformed', 'nothing was pasted');
  if (input.length > 64 * 1024) throw new TypedKeyError('Malformed', 'the pasted key is larger than 64 KiB');

  if (input.startsWith('-----BEGIN')) {
    const m = PEM_RE.exec(input);
    if (!m) throw new TypedKeyError('Malformed', 'the PEM block is damaged (header, footer or base64 body)');
    const label = m[1]!;
    let der: Uint8Array<ArrayBuffer>;
    try {
      der = fromBase64(m[2]!.replace(/[\r\n]/g, ''));
    } catch (cause) {
      throw new TypedKeyError('Malformed', 'the PEM body is not valid base64', { cause });
    }
    if (isSymmetric(alg)) throw new TypedKeyError('WrongType', `a ${describeAlgorithm(alg)} key is not given as PEM; paste JWK, hex or base64`);
    if (label === 'PRIVATE KEY') {
      return validated(alg, async () => {
        const key = await crypto.subtle.importKey('pkcs8', der, importParams(alg), true, usages(alg, 'private'));
        checkSize(key, alg);
        return fromPrivateKey(key, alg);
      });
    }
    if (label === 'PUBLIC KEY') {
      return validated(alg, async () => {
        const key = await crypto.subtle.importKey('spki', der, importParams(alg), true, usages(alg, 'public'));
        checkSize(key, alg);
        return { publicKey: await crypto.subtle.exportKey('jwk', key) };
      });
    }
    throw new TypedKeyError('WrongType', `a "${label}" PEM block is not supported; use PKCS#8 ("PRIVATE KEY") or SPKI ("PUBLIC KEY")`);
  }

  if (input.startsWith('{')) {
    let jwk: unknown;
    try {
      jwk = parseJson(input);
    } catch (cause) {
      throw new TypedKeyError('Malformed', 'the JWK is not valid JSON', { cause });
    }
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || typeof (jwk as JsonWebKey).kty !== 'string') {
      throw new TypedKeyError('Malformed', 'the JSON is not a JWK (no "kty")');
    }
    const j = jwk as JsonWebKey;
    const part = isSymmetric(alg) ? 'secret' : j.d !== undefined ? 'private' : 'public';
    return validated(alg, async () => {
      const key = await importJwk(j, alg, part);
      checkSize(key, alg);
      return part === 'public' ? { publicKey: await crypto.subtle.exportKey('jwk', key) } : fromPrivateKey(key, alg);
    });
  }

  if (!isSymmetric(alg)) throw new TypedKeyError('WrongType', `a ${describeAlgorithm(alg)} key must be pasted as PEM or JWK`);
  const raw = decodeRaw(input);
  return validated(alg, async () => {
    const key = await crypto.subtle.importKey('raw', raw, importParams(alg), true, usages(alg, 'secret'));
    checkSize(key, alg);
    if (alg.kind === 'hmac' && raw.length < 16) throw new TypedKeyError('WrongType', 'an HMAC key needs at least 16 bytes');
    return fromPrivateKey(key, alg);
  });
}

function decodeRaw(input: string): Uint8Array<ArrayBuffer> {
  const compact = input.replace(/\s+/g, '');
  for (const decode of [fromHex, fromBase64, fromBase64Url]) {
    try {
      const bytes = decode(compact);
      if (bytes.length > 0) return bytes;
    } catch {
      // try the next encoding
    }
  }
  throw new TypedKeyError('Malformed', 'the text is not PEM, JWK, hex or base64');
}

export function describeAlgorithm(alg: KeyAlgorithm): string {
  switch (alg.kind) {
    case 'aes-gcm':
      return `AES-${alg.length}-GCM`;
    case 'hmac':
      return `HMAC-${alg.hash}`;
    case 'ecdsa-p256':
      return 'ECDSA P-256';
    case 'ed25519':
      return 'Ed25519';
    case 'rsa-oaep':
      return `RSA-OAEP ${alg.modulusLength}`;
    case 'rsa-pss':
      return `RSA-PSS ${alg.modulusLength}`;
  }
}
