// Tests for ecdh.ts: the WebCrypto primitives it builds on (Wycheproof ECDH P-256 and HKDF-SHA256),
// ephemeral-static wrapping round trips, failing closed, and bad input.

import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { expectCryptoError, rejection } from '../../test/unit/crypto-helpers';
import { concatBytes, fromBase64Url, fromHex, toBase64Url, toHex, utf8Decode, utf8Encode } from './bytes';
import { CryptoError } from './errors';
import { contextAad, open, seal } from './aead';
import { EPK_BYTES, exportEcdhPrivate, generateEcdhKeyPair, importEcdhPrivate, wrappingKeyFor, wrappingKeyFrom, type EcdhKeyPair } from './ecdh';
import type { UserKey } from './keys';
import { generateDataKey, unwrapDataKey, wrapKey } from './wrap';

const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
type Result = 'valid' | 'invalid' | 'acceptable';

function readVectors<T>(name: string): { algorithm: string; numberOfTests: number; testGroups: { type: string; tests: T[] }[] } {
  return JSON.parse(readFileSync(new URL(`../../test/vectors/${name}`, import.meta.url), 'utf8'));
}

function tally(results: readonly Result[]): Record<Result, number> {
  const counts = { valid: 0, invalid: 0, acceptable: 0 };
  for (const r of results) counts[r]++;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// 1. Published vectors: the primitives ecdh.ts builds on
// ---------------------------------------------------------------------------------------------

interface EcdhTest {
  tcId: number;
  comment: string;
  flags: string[];
  public: JsonWebKey;
  private: JsonWebKey;
  shared: string;
  result: Result;
}

const ecdhFile = readVectors<EcdhTest>('ecdh_secp256r1_webcrypto_test.json');
const ecdhTests = ecdhFile.testGroups.flatMap((g) => g.tests);
const ecdhRan: Result[] = [];
let ecdhAcceptableRejected = 0;

/** Wycheproof's recipe for WebCrypto: import both JWKs as ECDH P-256, deriveBits 256. */
async function ecdhSharedSecret(t: EcdhTest): Promise<string> {
  const privateKey = await crypto.subtle.importKey('jwk', t.private, P256, false, ['deriveBits']);
  const publicKey = await crypto.subtle.importKey('jwk', t.public, P256, false, []);
  return toHex(new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256)));
}

describe('WebCrypto ECDH P-256: Wycheproof ecdh_secp256r1_webcrypto_test.json', () => {
  it('has the expected file and case counts', () => {
    expect(ecdhFile.algorithm).toBe('ECDH');
    expect(ecdhFile.testGroups.map((g) => g.type)).toEqual(['EcdhWebcryptoTest']);
    expect(ecdhTests).toHaveLength(ecdhFile.numberOfTests);
    expect(ecdhTests).toHaveLength(353);
    expect(tally(ecdhTests.map((t) => t.result))).toEqual({ valid: 330, invalid: 23, acceptable: 0 });
  });

  it.each(ecdhTests.map((t) => [t.tcId, t.result, t.comment, t] as const))('tcId %i (%s) %s', async (_id, _result, _comment, t) => {
    if (t.result === 'valid') {
      expect(await ecdhSharedSecret(t)).toBe(t.shared);
    } else if (t.result === 'invalid') {
      // Node and browsers reject with different DOMException names: assert only that it is rejected.
      await rejection(ecdhSharedSecret(t));
    } else {
      try {
        expect(await ecdhSharedSecret(t)).toBe(t.shared);
      } catch {
        ecdhAcceptableRejected++;
      }
    }
    ecdhRan.push(t.result);
  });

  it('ran every case (a filter that drops cases fails here)', () => {
    const ran = tally(ecdhRan);
    expect(ran).toEqual({ valid: 330, invalid: 23, acceptable: 0 });
    // Acceptable cases may go either way; those WebCrypto refused are counted, never more than were run.
    expect(ecdhAcceptableRejected).toBeLessThanOrEqual(ran.acceptable);
  });
});

interface HkdfTest {
  tcId: number;
  comment: string;
  flags: string[];
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
  result: Result;
}

const hkdfFile = readVectors<HkdfTest>('hkdf_sha256_test.json');
const hkdfTests = hkdfFile.testGroups.flatMap((g) => g.tests);
/** RFC 5869 §2.3: L ≤ 255·HashLen; WebCrypto refuses a longer deriveBits. */
const HKDF_SHA256_MAX_BYTES = 255 * 32;
const hkdfRan: Result[] = [];
let hkdfRefusedSize = 0;

async function hkdfSha256(t: HkdfTest): Promise<string> {
  const ikm = await crypto.subtle.importKey('raw', fromHex(t.ikm), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: fromHex(t.salt), info: fromHex(t.info) }, ikm, t.size * 8);
  return toHex(new Uint8Array(bits));
}

describe('WebCrypto HKDF-SHA256: Wycheproof hkdf_sha256_test.json', () => {
  it('has the expected file and case counts', () => {
    expect(hkdfFile.algorithm).toBe('HKDF-SHA-256');
    expect(hkdfTests).toHaveLength(hkdfFile.numberOfTests);
    expect(hkdfTests).toHaveLength(86);
    expect(tally(hkdfTests.map((t) => t.result))).toEqual({ valid: 83, invalid: 3, acceptable: 0 });
    // The only invalid cases are sizes above 255·32 bytes, which WebCrypto refuses.
    expect(hkdfTests.filter((t) => t.result === 'invalid').every((t) => t.size > HKDF_SHA256_MAX_BYTES)).toBe(true);
    expect(hkdfTests.filter((t) => t.result === 'valid').every((t) => t.size <= HKDF_SHA256_MAX_BYTES)).toBe(true);
  });

  it.each(hkdfTests.map((t) => [t.tcId, t.result, t.comment, t.size, t] as const))('tcId %i (%s) %s, %i bytes', async (_id, _result, _comment, _size, t) => {
    if (t.result === 'valid') {
      expect(await hkdfSha256(t)).toBe(t.okm);
    } else if (t.result === 'invalid') {
      await rejection(hkdfSha256(t));
      if (t.size > HKDF_SHA256_MAX_BYTES) hkdfRefusedSize++;
    } else {
      try {
        expect(await hkdfSha256(t)).toBe(t.okm);
      } catch {
        if (t.size > HKDF_SHA256_MAX_BYTES) hkdfRefusedSize++;
      }
    }
    hkdfRan.push(t.result);
  });

  it('ran every case, and WebCrypto refused the 3 over-long sizes', () => {
    expect(tally(hkdfRan)).toEqual({ valid: 83, invalid: 3, acceptable: 0 });
    expect(hkdfRefusedSize).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Round trips
// ---------------------------------------------------------------------------------------------

const dekAad = contextAad('dek', 'key-1', 'user-2', 0);
const memberAad = contextAad('group', 'group-1', 'member:user-2', 0);

async function rawHex(key: CryptoKey): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}

function rawPoint(jwk: JsonWebKey): Uint8Array<ArrayBuffer> {
  return concatBytes(Uint8Array.of(4), fromBase64Url(jwk.x!), fromBase64Url(jwk.y!));
}

/** FORMAT.md §3.1 written out with WebCrypto directly, independent of ecdh.ts. */
async function referenceWrappingKey(recipient: EcdhKeyPair, epk: Uint8Array): Promise<UserKey> {
  const eph = await crypto.subtle.importKey('raw', new Uint8Array(epk), P256, false, []);
  const z = await crypto.subtle.deriveBits({ name: 'ECDH', public: eph }, recipient.privateKey, 256);
  const ikm = await crypto.subtle.importKey('raw', z, 'HKDF', false, ['deriveBits']);
  const okm = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: concatBytes(epk, rawPoint(recipient.publicKey)), info: utf8Encode('keyward|ecdh-wrap|v1') },
    ikm,
    256,
  );
  return (await crypto.subtle.importKey('raw', okm, 'AES-GCM', false, ['wrapKey', 'unwrapKey', 'encrypt', 'decrypt'])) as UserKey;
}

describe('generateEcdhKeyPair', () => {
  it('gives a bare P-256 public JWK and an extractable ECDH private key', async () => {
    const pair = await generateEcdhKeyPair();
    expect(Object.keys(pair.publicKey).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(pair.publicKey).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(fromBase64Url(pair.publicKey.x!)).toHaveLength(32);
    expect(fromBase64Url(pair.publicKey.y!)).toHaveLength(32);
    expect(pair.privateKey.type).toBe('private');
    expect(pair.privateKey.algorithm).toMatchObject(P256);
    expect(pair.privateKey.extractable).toBe(true);
    expect([...pair.privateKey.usages]).toEqual(['deriveBits']);
    expect(toHex(rawPoint((await generateEcdhKeyPair()).publicKey))).not.toBe(toHex(rawPoint(pair.publicKey)));
  });
});

describe('wrappingKeyFor → wrappingKeyFrom round trips', () => {
  it('a data key wrapped for a recipient unwraps with the recipient’s private key', async () => {
    const recipient = await generateEcdhKeyPair();
    const dek = await generateDataKey();
    const { epk, key } = await wrappingKeyFor(recipient.publicKey);
    const wrapped = await wrapKey(key, dek, dekAad);

    const theirs = await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, epk);
    const unwrapped = await unwrapDataKey(theirs, wrapped, dekAad, { extractable: true });
    expect(await rawHex(unwrapped)).toBe(await rawHex(dek));
  });

  it('bytes sealed under the agreed key open under the re-derived key, both ways', async () => {
    const recipient = await generateEcdhKeyPair();
    const { epk, key } = await wrappingKeyFor(recipient.publicKey);
    const theirs = await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, epk);
    const pkcs8 = await exportEcdhPrivate((await generateEcdhKeyPair()).privateKey);
    expect(toHex(await open(theirs, await seal(key, pkcs8, memberAad), memberAad))).toBe(toHex(pkcs8));
    expect(utf8Decode(await open(key, await seal(theirs, utf8Encode('back'), memberAad), memberAad))).toBe('back');
  });

  it('is HKDF-SHA256(ECDH(e, Q), salt = epk ‖ Q_raw, info "keyward|ecdh-wrap|v1") as FORMAT.md §3.1 says', async () => {
    const recipient = await generateEcdhKeyPair();
    const dek = await generateDataKey();
    const { epk, key } = await wrappingKeyFor(recipient.publicKey);
    const reference = await referenceWrappingKey(recipient, epk);
    expect(await rawHex(await unwrapDataKey(reference, await wrapKey(key, dek, dekAad), dekAad, { extractable: true }))).toBe(await rawHex(dek));
    expect(utf8Decode(await open(key, await seal(reference, utf8Encode('ref'), memberAad), memberAad))).toBe('ref');
  });

  it('the wrapping key is a non-extractable AES-256-GCM key, on both sides', async () => {
    const recipient = await generateEcdhKeyPair();
    const { epk, key } = await wrappingKeyFor(recipient.publicKey);
    const theirs = await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, epk);
    for (const k of [key, theirs]) {
      expect(k.type).toBe('secret');
      expect(k.extractable).toBe(false);
      expect(k.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
      expect([...k.usages].sort()).toEqual(['decrypt', 'encrypt', 'unwrapKey', 'wrapKey']);
      await expect(crypto.subtle.exportKey('raw', k)).rejects.toThrow();
      await expect(crypto.subtle.exportKey('jwk', k)).rejects.toThrow();
    }
  });

  it('each call makes a fresh 65-byte uncompressed epk, and a different wrapping key', async () => {
    const recipient = await generateEcdhKeyPair();
    const calls = await Promise.all(Array.from({ length: 8 }, () => wrappingKeyFor(recipient.publicKey)));
    expect(EPK_BYTES).toBe(65);
    for (const { epk } of calls) {
      expect(epk).toBeInstanceOf(Uint8Array);
      expect(epk).toHaveLength(EPK_BYTES);
      expect(epk[0]).toBe(4);
      // It is a point on P-256.
      await expect(crypto.subtle.importKey('raw', epk, P256, false, [])).resolves.toBeDefined();
    }
    expect(new Set(calls.map(({ epk }) => toHex(epk))).size).toBe(calls.length);
    // A wrapping under the first key does not unwrap under the second.
    const dek = await generateDataKey();
    const wrapped = await wrapKey(calls[0]!.key, dek, dekAad);
    await expectCryptoError(unwrapDataKey(calls[1]!.key, wrapped, dekAad), 'UnwrapFailed');
  });

  it('takes an epk that is a view into a larger buffer, and does not alter it', async () => {
    const recipient = await generateEcdhKeyPair();
    const dek = await generateDataKey();
    const { epk, key } = await wrappingKeyFor(recipient.publicKey);
    const wrapped = await wrapKey(key, dek, dekAad);
    const buffer = concatBytes(new Uint8Array(7).fill(0xaa), epk, new Uint8Array(9).fill(0xbb));
    const view = buffer.subarray(7, 7 + EPK_BYTES);
    const before = toHex(buffer);
    const theirs = await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, view);
    expect(await rawHex(await unwrapDataKey(theirs, wrapped, dekAad, { extractable: true }))).toBe(await rawHex(dek));
    expect(toHex(buffer)).toBe(before);
  });

  it('a recipient public JWK with extra members (d, key_ops, kid) gives the same wrapping key', async () => {
    const recipient = await generateEcdhKeyPair();
    const full = await crypto.subtle.exportKey('jwk', recipient.privateKey);
    const { epk, key } = await wrappingKeyFor({ ...full, kid: 'k1' } as JsonWebKey);
    const theirs = await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, epk);
    expect(utf8Decode(await open(theirs, await seal(key, utf8Encode('x'), memberAad), memberAad))).toBe('x');
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Fails closed
// ---------------------------------------------------------------------------------------------

describe('wrappingKeyFrom fails closed', () => {
  async function setup(): Promise<{ recipient: EcdhKeyPair; epk: Uint8Array<ArrayBuffer>; wrapped: Uint8Array<ArrayBuffer>; sealed: Uint8Array<ArrayBuffer> }> {
    const recipient = await generateEcdhKeyPair();
    const { epk, key } = await wrappingKeyFor(recipient.publicKey);
    return { recipient, epk, wrapped: await wrapKey(key, await generateDataKey(), dekAad), sealed: await seal(key, utf8Encode('private key'), memberAad) };
  }

  it('another recipient’s private key (with its own or the intended public key) → UnwrapFailed / DecryptFailed', async () => {
    const { recipient, epk, wrapped, sealed } = await setup();
    const other = await generateEcdhKeyPair();
    for (const ownPublic of [other.publicKey, recipient.publicKey]) {
      const key = await wrappingKeyFrom(other.privateKey, ownPublic, epk);
      await expectCryptoError(unwrapDataKey(key, wrapped, dekAad), 'UnwrapFailed');
      await expectCryptoError(open(key, sealed, memberAad), 'DecryptFailed');
    }
  });

  it('a wrong own public key → UnwrapFailed (the salt binds the recipient’s point)', async () => {
    const { recipient, epk, wrapped, sealed } = await setup();
    const other = await generateEcdhKeyPair();
    const key = await wrappingKeyFrom(recipient.privateKey, other.publicKey, epk);
    await expectCryptoError(unwrapDataKey(key, wrapped, dekAad), 'UnwrapFailed');
    await expectCryptoError(open(key, sealed, memberAad), 'DecryptFailed');
    // The point with y negated is on the curve too, and is still refused.
    const y = fromBase64Url(recipient.publicKey.y!);
    const p = fromHex('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
    const negY = new Uint8Array(32);
    let borrow = 0;
    for (let i = 31; i >= 0; i--) {
      const d = p[i]! - y[i]! - borrow;
      negY[i] = (d + 256) & 0xff;
      borrow = d < 0 ? 1 : 0;
    }
    const mirrored = { ...recipient.publicKey, y: toBase64Url(negY) };
    await expect(crypto.subtle.importKey('jwk', mirrored, P256, true, [])).resolves.toBeDefined();
    await expectCryptoError(unwrapDataKey(await wrappingKeyFrom(recipient.privateKey, mirrored, epk), wrapped, dekAad), 'UnwrapFailed');
  });

  it('every single-bit flip in epk → MalformedEnvelope (not a point / not uncompressed) or UnwrapFailed', async () => {
    const { recipient, epk, wrapped } = await setup();
    let tried = 0;
    let malformed = 0;
    for (let byte = 0; byte < epk.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = new Uint8Array(epk);
        flipped[byte] = flipped[byte]! ^ (1 << bit);
        const error = await rejection((async () => unwrapDataKey(await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, flipped), wrapped, dekAad))());
        expect(error).toBeInstanceOf(CryptoError);
        expect(['MalformedEnvelope', 'UnwrapFailed']).toContain((error as CryptoError).code);
        if ((error as CryptoError).code === 'MalformedEnvelope') malformed++;
        if (byte === 0) expect((error as CryptoError).code).toBe('MalformedEnvelope');
        tried++;
      }
    }
    expect(tried).toBe(EPK_BYTES * 8);
    // The first byte's flips fail the format check; a flipped coordinate is (almost surely) off the curve.
    expect(malformed).toBeGreaterThanOrEqual(8);
    // The untouched epk still works.
    await expect(unwrapDataKey(await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, epk), wrapped, dekAad)).resolves.toBeDefined();
  });

  it.each([0, 1, 33, 64, 66, 97, 130])('an epk of %i bytes → MalformedEnvelope', async (length) => {
    const { recipient, epk } = await setup();
    const wrong = length <= epk.length ? epk.slice(0, length) : concatBytes(epk, new Uint8Array(length - epk.length));
    expect(wrong).toHaveLength(length);
    await expectCryptoError(wrappingKeyFrom(recipient.privateKey, recipient.publicKey, wrong), 'MalformedEnvelope');
  });

  it('a compressed epk (33 bytes, 0x02/0x03) is refused even though it names a valid point', async () => {
    const { recipient, epk } = await setup();
    const compressed = concatBytes(Uint8Array.of(2 + (epk[64]! & 1)), epk.subarray(1, 33));
    await expect(crypto.subtle.importKey('raw', compressed, P256, false, [])).resolves.toBeDefined();
    await expectCryptoError(wrappingKeyFrom(recipient.privateKey, recipient.publicKey, compressed), 'MalformedEnvelope');
  });

  it.each([
    ['all zeros after 0x04', concatBytes(Uint8Array.of(4), new Uint8Array(64))],
    ['(1, 1)', concatBytes(Uint8Array.of(4), fromHex('00'.repeat(31) + '01'), fromHex('00'.repeat(31) + '01'))],
    ['x = p (out of range)', concatBytes(Uint8Array.of(4), fromHex('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'), new Uint8Array(32))],
    ['all 0xff after 0x04', concatBytes(Uint8Array.of(4), new Uint8Array(64).fill(0xff))],
  ])('an epk not on the curve (%s) → MalformedEnvelope', async (_label, bad) => {
    const { recipient } = await setup();
    expect(bad).toHaveLength(EPK_BYTES);
    await expectCryptoError(wrappingKeyFrom(recipient.privateKey, recipient.publicKey, bad), 'MalformedEnvelope');
  });

  it('an epk with a y that does not belong to its x → MalformedEnvelope', async () => {
    const { recipient, epk } = await setup();
    const bad = new Uint8Array(epk);
    bad[64] = bad[64]! ^ 1;
    await expectCryptoError(wrappingKeyFrom(recipient.privateKey, recipient.publicKey, bad), 'MalformedEnvelope');
  });

  it.each([0x00, 0x02, 0x03, 0x06, 0x07, 0x05])('an epk with first byte %i → MalformedEnvelope', async (first) => {
    const { recipient, epk } = await setup();
    const bad = new Uint8Array(epk);
    bad[0] = first;
    await expectCryptoError(wrappingKeyFrom(recipient.privateKey, recipient.publicKey, bad), 'MalformedEnvelope');
  });

  it.each([
    ['another key', contextAad('dek', 'key-2', 'user-2', 0)],
    ['another grantee', contextAad('dek', 'key-1', 'user-3', 0)],
    ['view grant version', contextAad('dek', 'key-1', 'user-2', 1)],
    ['empty', new Uint8Array(0)],
  ])('a wrong AAD (%s) → UnwrapFailed / DecryptFailed', async (_label, aad) => {
    const { recipient, epk, wrapped, sealed } = await setup();
    const key = await wrappingKeyFrom(recipient.privateKey, recipient.publicKey, epk);
    await expectCryptoError(unwrapDataKey(key, wrapped, aad), 'UnwrapFailed');
    await expectCryptoError(open(key, sealed, aad), 'DecryptFailed');
  });

  it('keeps the platform error as the cause of MalformedEnvelope for an off-curve epk', async () => {
    const { recipient } = await setup();
    const error = await expectCryptoError(wrappingKeyFrom(recipient.privateKey, recipient.publicKey, concatBytes(Uint8Array.of(4), new Uint8Array(64))), 'MalformedEnvelope');
    expect(error.cause).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Bad input
// ---------------------------------------------------------------------------------------------

describe('bad input', () => {
  const p384 = crypto.subtle
    .generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveBits'])
    .then((pair) => crypto.subtle.exportKey('jwk', pair.publicKey));
  const rsa = crypto.subtle
    .generateKey({ name: 'RSA-OAEP', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }, true, ['encrypt', 'decrypt'])
    .then((pair) => crypto.subtle.exportKey('jwk', pair.publicKey));
  const good = generateEcdhKeyPair().then((pair) => pair.publicKey);

  const notP256Jwks: [string, () => Promise<unknown>][] = [
    ['undefined', async () => undefined],
    ['null', async () => null],
    ['a string', async () => 'EC P-256'],
    ['a number', async () => 42],
    ['raw point bytes', async () => rawPoint(await good)],
    ['an array', async () => []],
    ['an empty object', async () => ({})],
    ['an RSA JWK', () => rsa],
    ['a P-384 JWK', () => p384],
    ['a P-384 JWK relabelled P-256 without y', async () => ({ ...(await p384), crv: 'P-256', y: undefined })],
    ['a P-256 JWK without x', async () => ({ ...(await good), x: undefined })],
    ['a P-256 JWK without y', async () => ({ ...(await good), y: undefined })],
    ['a P-256 JWK with numeric x', async () => ({ ...(await good), x: 1 })],
    ['a P-256 JWK with kty "OKP"', async () => ({ ...(await good), kty: 'OKP' })],
    ['a P-256 JWK with crv "p-256"', async () => ({ ...(await good), crv: 'p-256' })],
  ];

  it.each(notP256Jwks)('wrappingKeyFor(%s) → TypeError', async (_label, make) => {
    const error = await rejection(wrappingKeyFor((await make()) as unknown as JsonWebKey));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/"publicKey"/);
  });

  it('wrappingKeyFor a P-256 JWK whose point is not on the curve → TypeError naming it', async () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: toBase64Url(new Uint8Array(32)), y: toBase64Url(new Uint8Array(32)) };
    const error = await rejection(wrappingKeyFor(jwk));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/not a point on P-256/);
  });

  it('wrappingKeyFrom with a bad own public key → TypeError; with epk not bytes → TypeError', async () => {
    const recipient = await generateEcdhKeyPair();
    const { epk } = await wrappingKeyFor(recipient.publicKey);
    for (const own of [null, 'x', await p384, { ...recipient.publicKey, y: undefined }]) {
      expect(await rejection(wrappingKeyFrom(recipient.privateKey, own as unknown as JsonWebKey, epk))).toBeInstanceOf(TypeError);
    }
    for (const bad of [toHex(epk), Array.from(epk), epk.buffer, null]) {
      expect(await rejection(wrappingKeyFrom(recipient.privateKey, recipient.publicKey, bad as unknown as Uint8Array))).toBeInstanceOf(TypeError);
    }
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['one zero byte', new Uint8Array(1)],
    ['128 zero bytes', new Uint8Array(128)],
    ['garbage', fromHex('deadbeef'.repeat(34))],
    ['a DER SEQUENCE with nothing in it', fromHex('3000')],
    ['a raw P-256 point', concatBytes(Uint8Array.of(4), new Uint8Array(64))],
  ])('importEcdhPrivate(%s) → MalformedEnvelope', async (_label, bytes) => {
    const error = await expectCryptoError(importEcdhPrivate(bytes), 'MalformedEnvelope');
    expect(error.cause).toBeDefined();
  });

  it('importEcdhPrivate of a truncated or P-384 PKCS#8 → MalformedEnvelope', async () => {
    const pkcs8 = await exportEcdhPrivate((await generateEcdhKeyPair()).privateKey);
    await expectCryptoError(importEcdhPrivate(pkcs8.slice(0, pkcs8.length - 1)), 'MalformedEnvelope');
    await expectCryptoError(importEcdhPrivate(pkcs8.slice(0, 20)), 'MalformedEnvelope');
    const p384Pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveBits']);
    const p384Pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', p384Pair.privateKey));
    await expectCryptoError(importEcdhPrivate(p384Pkcs8), 'MalformedEnvelope');
  });

  it('importEcdhPrivate of something that is not bytes → TypeError', async () => {
    for (const bad of ['MIGHAgEA', [1, 2, 3], new ArrayBuffer(8), null]) {
      expect(await rejection(importEcdhPrivate(bad as unknown as Uint8Array))).toBeInstanceOf(TypeError);
    }
  });

  it('exportEcdhPrivate → importEcdhPrivate round trip: same key, non-extractable unless asked', async () => {
    const pair = await generateEcdhKeyPair();
    const pkcs8 = await exportEcdhPrivate(pair.privateKey);
    expect(pkcs8).toBeInstanceOf(Uint8Array);
    expect(pkcs8.length).toBeGreaterThan(60);
    expect(pkcs8[0]).toBe(0x30);

    const fixed = await importEcdhPrivate(pkcs8);
    expect(fixed.type).toBe('private');
    expect(fixed.algorithm).toMatchObject(P256);
    expect(fixed.extractable).toBe(false);
    expect([...fixed.usages]).toEqual(['deriveBits']);
    await expect(crypto.subtle.exportKey('pkcs8', fixed)).rejects.toThrow();
    await expect(exportEcdhPrivate(fixed)).rejects.toThrow();
    expect((await importEcdhPrivate(pkcs8, false)).extractable).toBe(false);

    const again = await importEcdhPrivate(pkcs8, true);
    expect(again.extractable).toBe(true);
    expect(toHex(await exportEcdhPrivate(again))).toBe(toHex(pkcs8));

    // The imported key opens wrappings made for the original public key.
    const dek = await generateDataKey();
    const { epk, key } = await wrappingKeyFor(pair.publicKey);
    const wrapped = await wrapKey(key, dek, dekAad);
    for (const privateKey of [fixed, again]) {
      const theirs = await wrappingKeyFrom(privateKey, pair.publicKey, epk);
      expect(await rawHex(await unwrapDataKey(theirs, wrapped, dekAad, { extractable: true }))).toBe(await rawHex(dek));
    }
  });

  it('a group private key sealed for a member and opened by them still opens the group’s grants', async () => {
    const member = await generateEcdhKeyPair();
    const group = await generateEcdhKeyPair();
    const dek = await generateDataKey();
    const grant = await wrappingKeyFor(group.publicKey);
    const wrappedDek = await wrapKey(grant.key, dek, dekAad);

    const forMember = await wrappingKeyFor(member.publicKey);
    const sealedPrivate = await seal(forMember.key, await exportEcdhPrivate(group.privateKey), memberAad);

    const memberKey = await wrappingKeyFrom(member.privateKey, member.publicKey, forMember.epk);
    const groupPrivate = await importEcdhPrivate(await open(memberKey, sealedPrivate, memberAad));
    const grantKey = await wrappingKeyFrom(groupPrivate, group.publicKey, grant.epk);
    expect(await rawHex(await unwrapDataKey(grantKey, wrappedDek, dekAad, { extractable: true }))).toBe(await rawHex(dek));
  });
});
