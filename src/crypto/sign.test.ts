// Tests for sign.ts: Wycheproof ECDSA P-256/SHA-256 verification (signatures converted from strict DER to r ‖ s), round
// trips, the sealed-key path, and a table of bad inputs (lengths, points, keys) that must be refused or verify false.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectCryptoError } from '../../test/unit/crypto-helpers';
import { fromHex, utf8Encode } from './bytes';
import {
  exportSigningPrivate,
  generateSigningKeyPair,
  importSigningPrivate,
  importVerifyKey,
  jwkFromPoint,
  pointFromJwk,
  POINT_BYTES,
  sha256,
  sign,
  SIGNATURE_BYTES,
  verify,
} from './sign';

interface EcdsaTest {
  tcId: number;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface EcdsaGroup {
  publicKey: { uncompressed: string };
  tests: EcdsaTest[];
}

const vectors = JSON.parse(readFileSync(new URL('../../test/vectors/ecdsa_secp256r1_sha256_test.json', import.meta.url), 'utf8')) as { testGroups: EcdsaGroup[] };

/** r ‖ s from a strictly DER-encoded signature, or null when the encoding is not strict DER or a value is over 32 bytes. */
function derToP1363(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2 || der[1]! >= 0x80) return null;
  const out = new Uint8Array(64);
  let at = 2;
  for (const half of [0, 1]) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1]!;
    if (len === 0 || len >= 0x80 || at + 2 + len > der.length) return null;
    let value = der.subarray(at + 2, at + 2 + len);
    if (value[0]! & 0x80) return null; // negative
    if (value.length > 1 && value[0] === 0 && !(value[1]! & 0x80)) return null; // not minimal
    if (value[0] === 0) value = value.subarray(1);
    if (value.length > 32) return null;
    out.set(value, half * 32 + 32 - value.length);
    at += 2 + len;
  }
  return at === der.length ? out : null;
}

describe('ECDSA P-256 SHA-256 verification (Wycheproof)', () => {
  it('accepts every valid vector and refuses every invalid one that is strict DER', async () => {
    let valid = 0;
    let invalid = 0;
    for (const group of vectors.testGroups) {
      const key = await importVerifyKey(fromHex(group.publicKey.uncompressed));
      for (const t of group.tests) {
        const p1363 = derToP1363(fromHex(t.sig));
        if (t.result === 'valid') {
          // Every valid vector is strict DER: none may be lost to the conversion.
          expect(p1363, `tcId ${t.tcId}`).not.toBeNull();
          expect(await verify(key, p1363!, fromHex(t.msg)), `tcId ${t.tcId}`).toBe(true);
          valid++;
        } else if (t.result === 'invalid' && p1363) {
          // Invalid values (r or s zero, ≥ n, wrong point…) that survive the encoding must fail verification.
          expect(await verify(key, p1363, fromHex(t.msg)), `tcId ${t.tcId}`).toBe(false);
          invalid++;
        }
      }
    }
    expect(valid).toBe(174);
    expect(invalid).toBeGreaterThan(50);
  });
});

describe('signing keys', () => {
  it('signs and verifies; another message, key or signature fails', async () => {
    const a = await generateSigningKeyPair();
    const b = await generateSigningKeyPair();
    expect(a.publicKey.length).toBe(POINT_BYTES);
    const data = utf8Encode('kw ledger link');
    const sig = await sign(a.privateKey, data);
    expect(sig.length).toBe(SIGNATURE_BYTES);
    expect(await verify(await importVerifyKey(a.publicKey), sig, data)).toBe(true);
    expect(await verify(await importVerifyKey(b.publicKey), sig, data)).toBe(false);
    expect(await verify(await importVerifyKey(a.publicKey), sig, utf8Encode('kw ledger linK'))).toBe(false);
    const flipped = sig.slice();
    flipped[10]! ^= 1;
    expect(await verify(await importVerifyKey(a.publicKey), flipped, data)).toBe(false);
  });

  it('a sealed private key comes back with its own public point, never one from outside', async () => {
    const pair = await generateSigningKeyPair();
    const pkcs8 = await exportSigningPrivate(pair.privateKey);
    const back = await importSigningPrivate(pkcs8);
    expect(back.publicKey).toEqual(pair.publicKey);
    expect(back.privateKey.extractable).toBe(false);
    const sig = await sign(back.privateKey, utf8Encode('x'));
    expect(await verify(await importVerifyKey(pair.publicKey), sig, utf8Encode('x'))).toBe(true);
  });

  it('JWK and point forms convert both ways', async () => {
    const pair = await generateSigningKeyPair();
    expect(pointFromJwk(jwkFromPoint(pair.publicKey))).toEqual(pair.publicKey);
  });

  it('sha256 matches the FIPS 180-2 vector for "abc"', async () => {
    expect(await sha256(utf8Encode('abc'))).toEqual(fromHex('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'));
  });
});

describe('bad inputs', () => {
  const good = async () => generateSigningKeyPair();

  it.each([
    ['empty', new Uint8Array(0)],
    ['compressed form', new Uint8Array(33).fill(2)],
    ['64 bytes', new Uint8Array(64).fill(1)],
    ['wrong prefix', (() => { const p = new Uint8Array(65).fill(1); p[0] = 5; return p; })()],
    ['not on the curve', (() => { const p = new Uint8Array(65).fill(7); p[0] = 4; return p; })()],
  ])('a public key that is %s is refused', async (_name, point) => {
    await expectCryptoError(importVerifyKey(point), 'MalformedEnvelope');
  });

  it.each([
    ['empty', 0],
    ['63 bytes', 63],
    ['65 bytes', 65],
    ['DER length', 72],
  ])('a signature that is %s verifies false, without throwing', async (_name, length) => {
    const pair = await good();
    const key = await importVerifyKey(pair.publicKey);
    expect(await verify(key, new Uint8Array(length), utf8Encode('x'))).toBe(false);
  });

  it('an all-zero signature of the right length verifies false', async () => {
    const pair = await good();
    expect(await verify(await importVerifyKey(pair.publicKey), new Uint8Array(64), utf8Encode('x'))).toBe(false);
  });

  it.each([
    ['garbage', new Uint8Array([1, 2, 3])],
    ['empty', new Uint8Array(0)],
  ])('a private key that is %s is refused', async (_name, pkcs8) => {
    await expectCryptoError(importSigningPrivate(pkcs8), 'MalformedEnvelope');
  });

  it.each([
    ['another curve', { kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' }],
    ['short coordinates', { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }],
    ['not EC', { kty: 'RSA', n: 'AA', e: 'AQAB' }],
  ])('a JWK of %s has no point', (_name, jwk) => {
    expect(() => pointFromJwk(jwk as JsonWebKey)).toThrow();
  });
});
