// Tests for kdf.ts: PBKDF2-HMAC-SHA256 vectors, KEK derivation, parameter bounds and calibration.

import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { expectCryptoError, rejection } from '../../test/unit/crypto-helpers';
import { fromHex, toHex, utf8Encode } from './bytes';
import { CryptoError } from './errors';
import {
  DEFAULT_ITERATIONS,
  KDF_NAME,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SALT_BYTES,
  calibrateIterations,
  checkKdfParams,
  deriveKek,
  isWellFormed,
  newKdfParams,
  pbkdf2Sha256,
  type KdfParams,
} from './kdf';
import type { Kek, UserKey } from './keys';
import { generateUserKey, unwrapUserKey, wrapKey } from './wrap';

interface PbkdfTest {
  tcId: number;
  comment: string;
  flags: string[];
  password: string;
  salt: string;
  iterationCount: number;
  dkLen: number;
  dk: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface PbkdfFile {
  algorithm: string;
  numberOfTests: number;
  testGroups: { type: string; tests: PbkdfTest[] }[];
}

const pbkdfFile = JSON.parse(readFileSync(new URL('../../test/vectors/pbkdf2_hmacsha256_test.json', import.meta.url), 'utf8')) as PbkdfFile;
const pbkdfTests = pbkdfFile.testGroups.flatMap((g) => g.tests);

// The lowest accepted cost keeps these tests fast; the code path is the same as at 600,000.
function fastParams(salt: Uint8Array<ArrayBuffer> = crypto.getRandomValues(new Uint8Array(SALT_BYTES))): KdfParams {
  return { name: KDF_NAME, iterations: MIN_ITERATIONS, salt };
}

const AAD = utf8Encode('kw1|user|u1|key|0');

/** Wraps a fresh user key under `kek`; returns the wrapping and the key's raw bytes. */
async function wrapFreshUserKey(kek: Kek): Promise<{ wrapped: Uint8Array; raw: string }> {
  const userKey = await generateUserKey();
  const raw = toHex(new Uint8Array(await crypto.subtle.exportKey('raw', userKey)));
  return { wrapped: await wrapKey(kek, userKey, AAD), raw };
}

/** True when `kek` unwraps `wrapped` to the key with raw bytes `raw`. */
async function unwrapsTo(kek: Kek, wrapped: Uint8Array, raw: string): Promise<boolean> {
  const key: UserKey = await unwrapUserKey(kek, wrapped, AAD, { extractable: true });
  return toHex(new Uint8Array(await crypto.subtle.exportKey('raw', key))) === raw;
}

describe('pbkdf2Sha256: Wycheproof pbkdf2_hmacsha256_test.json', () => {
  it('has the expected file and case count', () => {
    expect(pbkdfFile.algorithm).toBe('PBKDF2-HMACSHA256');
    expect(pbkdfTests).toHaveLength(pbkdfFile.numberOfTests);
    expect(pbkdfTests).toHaveLength(60);
  });

  it.each(pbkdfTests.map((t) => [t.tcId, t.comment, t] as const))('tcId %i %s', async (_id, _comment, t) => {
    expect(t.result).toBe('valid');
    const dk = await pbkdf2Sha256(fromHex(t.password), fromHex(t.salt), t.iterationCount, t.dkLen);
    expect(toHex(dk)).toBe(t.dk);
  });
});

describe('pbkdf2Sha256: RFC 7914 §11', () => {
  // RFC 7914 §11 "Test Vectors for PBKDF2 with HMAC-SHA-256", first vector, written out literally:
  // PBKDF2-HMAC-SHA-256 (P="passwd", S="salt", c=1, dkLen=64).
  it('P="passwd", S="salt", c=1, dkLen=64', async () => {
    const dk = await pbkdf2Sha256(utf8Encode('passwd'), utf8Encode('salt'), 1, 64);
    expect(toHex(dk)).toBe(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc' + '49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
    );
  });

  it('a prefix of the output is the shorter output', async () => {
    const long = await pbkdf2Sha256(utf8Encode('passwd'), utf8Encode('salt'), 1, 64);
    const short = await pbkdf2Sha256(utf8Encode('passwd'), utf8Encode('salt'), 1, 20);
    expect(toHex(short)).toBe(toHex(long.subarray(0, 20)));
  });
});

describe('pbkdf2Sha256 bad input', () => {
  const pw = utf8Encode('passwd');
  const salt = utf8Encode('salt');
  it.each([
    ['iterations 0', () => pbkdf2Sha256(pw, salt, 0, 32), RangeError, /"iterations"/],
    ['iterations -1', () => pbkdf2Sha256(pw, salt, -1, 32), RangeError, /"iterations"/],
    ['iterations 1.5', () => pbkdf2Sha256(pw, salt, 1.5, 32), RangeError, /"iterations"/],
    ['iterations NaN', () => pbkdf2Sha256(pw, salt, Number.NaN, 32), RangeError, /"iterations"/],
    ['lengthBytes 0', () => pbkdf2Sha256(pw, salt, 1, 0), RangeError, /"lengthBytes"/],
    ['lengthBytes 1025', () => pbkdf2Sha256(pw, salt, 1, 1025), RangeError, /"lengthBytes"/],
    ['lengthBytes 2.5', () => pbkdf2Sha256(pw, salt, 1, 2.5), RangeError, /"lengthBytes"/],
    ['password as string', () => pbkdf2Sha256('passwd' as unknown as Uint8Array, salt, 1, 32), TypeError, /"password"/],
    ['salt as array', () => pbkdf2Sha256(pw, [1, 2] as unknown as Uint8Array, 1, 32), TypeError, /"salt"/],
  ] as const)('%s', async (_label, call, type, message) => {
    const error = await rejection(call());
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });
});

describe('checkKdfParams', () => {
  const salt = new Uint8Array(SALT_BYTES);
  const good = { name: KDF_NAME, iterations: DEFAULT_ITERATIONS, salt };

  it('accepts good parameters and returns them', () => {
    const checked = checkKdfParams(good);
    expect(checked.name).toBe('PBKDF2-HMAC-SHA256');
    expect(checked.iterations).toBe(600_000);
    expect(checked.salt).toEqual(salt);
  });

  it.each([100_000, 10_000_000])('accepts the bound %i', (iterations) => {
    expect(MIN_ITERATIONS).toBe(100_000);
    expect(MAX_ITERATIONS).toBe(10_000_000);
    expect(checkKdfParams({ ...good, iterations }).iterations).toBe(iterations);
  });

  it('drops unknown fields', () => {
    expect(Object.keys(checkKdfParams({ ...good, extra: 1 })).sort()).toEqual(['iterations', 'name', 'salt']);
  });

  const bad: ReadonlyArray<readonly [string, unknown, ErrorConstructor, RegExp]> = [
    ['null', null, TypeError, /"kdf"/],
    ['undefined', undefined, TypeError, /"kdf"/],
    ['a string', 'PBKDF2-HMAC-SHA256', TypeError, /"kdf"/],
    ['a number', 600_000, TypeError, /"kdf"/],
    ['wrong name PBKDF2', { ...good, name: 'PBKDF2' }, RangeError, /"kdf.name"/],
    ['wrong name, lower case', { ...good, name: 'pbkdf2-hmac-sha256' }, RangeError, /"kdf.name"/],
    ['wrong name argon2id', { ...good, name: 'argon2id' }, RangeError, /"kdf.name"/],
    ['missing name', { iterations: DEFAULT_ITERATIONS, salt }, RangeError, /"kdf.name"/],
    ['iterations 99,999', { ...good, iterations: 99_999 }, RangeError, /"kdf.iterations"/],
    ['iterations 10,000,001', { ...good, iterations: 10_000_001 }, RangeError, /"kdf.iterations"/],
    ['iterations 1.5', { ...good, iterations: 1.5 }, RangeError, /"kdf.iterations"/],
    ['iterations 600,000.5', { ...good, iterations: 600_000.5 }, RangeError, /"kdf.iterations"/],
    ['iterations NaN', { ...good, iterations: Number.NaN }, RangeError, /"kdf.iterations"/],
    ['iterations Infinity', { ...good, iterations: Number.POSITIVE_INFINITY }, RangeError, /"kdf.iterations"/],
    ['iterations as string', { ...good, iterations: '600000' }, RangeError, /"kdf.iterations"/],
    ['iterations as bigint', { ...good, iterations: 600_000n }, RangeError, /"kdf.iterations"/],
    ['iterations missing', { name: KDF_NAME, salt }, RangeError, /"kdf.iterations"/],
    ['iterations negative', { ...good, iterations: -600_000 }, RangeError, /"kdf.iterations"/],
    ['salt of 15 bytes', { ...good, salt: new Uint8Array(15) }, RangeError, /"kdf.salt"/],
    ['salt of 17 bytes', { ...good, salt: new Uint8Array(17) }, RangeError, /"kdf.salt"/],
    ['salt empty', { ...good, salt: new Uint8Array(0) }, RangeError, /"kdf.salt"/],
    ['salt as number[]', { ...good, salt: Array.from({ length: 16 }, () => 0) }, RangeError, /"kdf.salt"/],
    ['salt as ArrayBuffer', { ...good, salt: new ArrayBuffer(16) }, RangeError, /"kdf.salt"/],
    ['salt as hex string', { ...good, salt: '00'.repeat(16) }, RangeError, /"kdf.salt"/],
    ['salt as Uint16Array', { ...good, salt: new Uint16Array(8) }, RangeError, /"kdf.salt"/],
    ['salt missing', { name: KDF_NAME, iterations: DEFAULT_ITERATIONS }, RangeError, /"kdf.salt"/],
  ];

  it.each(bad)('rejects %s', (_label, params, type, message) => {
    expect(() => checkKdfParams(params)).toThrow(type);
    expect(() => checkKdfParams(params)).toThrow(message);
  });
});

describe('newKdfParams', () => {
  it('defaults to 600,000 iterations and a fresh 16-byte salt', () => {
    const a = newKdfParams();
    const b = newKdfParams();
    expect(DEFAULT_ITERATIONS).toBe(600_000);
    expect(a.name).toBe(KDF_NAME);
    expect(a.iterations).toBe(600_000);
    expect(a.salt).toBeInstanceOf(Uint8Array);
    expect(a.salt).toHaveLength(16);
    expect(b.salt).toHaveLength(16);
    expect(toHex(a.salt)).not.toBe(toHex(b.salt));
  });

  it('takes an iteration count within the bounds', () => {
    expect(newKdfParams(MIN_ITERATIONS).iterations).toBe(MIN_ITERATIONS);
    expect(newKdfParams(MAX_ITERATIONS).iterations).toBe(MAX_ITERATIONS);
    expect(() => newKdfParams(99_999)).toThrow(RangeError);
    expect(() => newKdfParams(10_000_001)).toThrow(RangeError);
  });
});

describe('deriveKek', () => {
  it('is a non-extractable AES-256-GCM key usable only to wrap and unwrap', async () => {
    const kek = await deriveKek('correct horse', fastParams());
    expect(kek).toBeInstanceOf(CryptoKey);
    expect(kek.type).toBe('secret');
    expect(kek.extractable).toBe(false);
    expect([...kek.usages].sort()).toEqual(['unwrapKey', 'wrapKey']);
    expect(kek.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    await expect(crypto.subtle.exportKey('raw', kek)).rejects.toThrow();
  });

  it('same password and params → keys that unwrap each other’s wrappings', async () => {
    const params = fastParams();
    const kek1 = await deriveKek('correct horse', params);
    const kek2 = await deriveKek('correct horse', { ...params, salt: new Uint8Array(params.salt) });
    const one = await wrapFreshUserKey(kek1);
    const two = await wrapFreshUserKey(kek2);
    expect(await unwrapsTo(kek2, one.wrapped, one.raw)).toBe(true);
    expect(await unwrapsTo(kek1, two.wrapped, two.raw)).toBe(true);
  });

  it('a different salt → UnwrapFailed', async () => {
    const params = fastParams();
    const kek = await deriveKek('correct horse', params);
    const { wrapped } = await wrapFreshUserKey(kek);
    const otherSalt = new Uint8Array(params.salt);
    otherSalt[0] = otherSalt[0]! ^ 1;
    const other = await deriveKek('correct horse', fastParams(otherSalt));
    await expectCryptoError(unwrapUserKey(other, wrapped, AAD), 'UnwrapFailed');
  });

  it('a different password → UnwrapFailed', async () => {
    const params = fastParams();
    const kek = await deriveKek('correct horse', params);
    const { wrapped } = await wrapFreshUserKey(kek);
    for (const password of ['correct horsf', 'Correct horse', 'correct horse ']) {
      await expectCryptoError(unwrapUserKey(await deriveKek(password, params), wrapped, AAD), 'UnwrapFailed');
    }
  });

  it('different iterations → UnwrapFailed', async () => {
    const params = fastParams();
    const kek = await deriveKek('correct horse', params);
    const { wrapped } = await wrapFreshUserKey(kek);
    await expectCryptoError(unwrapUserKey(await deriveKek('correct horse', { ...params, iterations: MIN_ITERATIONS + 1 }), wrapped, AAD), 'UnwrapFailed');
  });

  it.each(['pǻssword', '😀🔑'])('non-ASCII password %j derives PBKDF2 over its UTF-8 bytes', async (password) => {
    const params = fastParams();
    const kek = await deriveKek(password, params);
    const { wrapped, raw } = await wrapFreshUserKey(kek);
    expect(await unwrapsTo(await deriveKek(password, params), wrapped, raw)).toBe(true);

    // Independent check: a KEK imported from pbkdf2Sha256(UTF-8(NFC(password))) is the same key.
    const bits = await pbkdf2Sha256(utf8Encode(password.normalize('NFC')), params.salt, params.iterations, 32);
    const reference = (await crypto.subtle.importKey('raw', bits, 'AES-GCM', false, ['wrapKey', 'unwrapKey'])) as Kek;
    expect(await unwrapsTo(reference, wrapped, raw)).toBe(true);

    // And it is not the ASCII look-alike.
    await expectCryptoError(unwrapUserKey(await deriveKek('password', params), wrapped, AAD), 'UnwrapFailed');
  });

  it('NFC and NFD forms of "pǻssword" derive the same KEK', async () => {
    const nfc = 'pǻssword'.normalize('NFC');
    const nfd = 'pǻssword'.normalize('NFD');
    expect(nfc).not.toBe(nfd);
    expect(utf8Encode(nfc)).not.toEqual(utf8Encode(nfd));
    expect(nfd).toBe('pa\u030A\u0301ssword');

    const params = fastParams();
    const fromNfc = await deriveKek(nfc, params);
    const fromNfd = await deriveKek(nfd, params);
    const byNfc = await wrapFreshUserKey(fromNfc);
    const byNfd = await wrapFreshUserKey(fromNfd);
    expect(await unwrapsTo(fromNfd, byNfc.wrapped, byNfc.raw)).toBe(true);
    expect(await unwrapsTo(fromNfc, byNfd.wrapped, byNfd.raw)).toBe(true);
  });

  it.each([
    ['empty password', () => deriveKek('', fastParams()), RangeError, /"password"/],
    ['non-string password', () => deriveKek(utf8Encode('pw') as unknown as string, fastParams()), TypeError, /"password"/],
    ['iterations below the bound', () => deriveKek('pw', { ...fastParams(), iterations: 99_999 }), RangeError, /"kdf.iterations"/],
    ['iterations above the bound', () => deriveKek('pw', { ...fastParams(), iterations: 10_000_001 }), RangeError, /"kdf.iterations"/],
    ['short salt', () => deriveKek('pw', fastParams(new Uint8Array(15))), RangeError, /"kdf.salt"/],
    ['wrong name', () => deriveKek('pw', { ...fastParams(), name: 'PBKDF2' as typeof KDF_NAME }), RangeError, /"kdf.name"/],
    ['null params', () => deriveKek('pw', null as unknown as KdfParams), TypeError, /"kdf"/],
  ] as const)('rejects %s', async (_label, call, type, message) => {
    const error = await rejection(call());
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });
});

describe('calibrateIterations with an injected clock', () => {
  /** A clock that advances `stepMs` on every reading, so the measured probe takes exactly `stepMs`. */
  function steppingClock(stepMs: number): { now: () => number; readings: () => number } {
    let t = 1_000;
    let count = 0;
    return {
      now: () => {
        count++;
        const v = t;
        t += stepMs;
        return v;
      },
      readings: () => count,
    };
  }

  it('20 ms for 100,000 iterations at a 500 ms target → 2,500,000', async () => {
    const clock = steppingClock(20);
    expect(await calibrateIterations({ now: clock.now })).toBe(2_500_000);
    expect(clock.readings()).toBeGreaterThanOrEqual(2);
  });

  it('scales with targetMs and probeIterations', async () => {
    expect(await calibrateIterations({ now: steppingClock(20).now, targetMs: 1_000 })).toBe(5_000_000);
    expect(await calibrateIterations({ now: steppingClock(10).now, probeIterations: 20_000 })).toBe(1_000_000);
  });

  it('rounds to a multiple of 10,000', async () => {
    // 100,000 × 500 / 30 = 1,666,666.7 → 1,670,000
    const result = await calibrateIterations({ now: steppingClock(30).now });
    expect(result).toBe(1_670_000);
    expect(result % 10_000).toBe(0);
  });

  it('a slow device (1,000 ms) gets the DEFAULT_ITERATIONS floor', async () => {
    expect(await calibrateIterations({ now: steppingClock(1_000).now })).toBe(DEFAULT_ITERATIONS);
  });

  it('a fast device (1 ms) is capped at MAX_ITERATIONS', async () => {
    expect(await calibrateIterations({ now: steppingClock(1).now })).toBe(MAX_ITERATIONS);
  });

  it('a clock that does not move, or runs backwards, is capped rather than dividing by zero', async () => {
    expect(await calibrateIterations({ now: steppingClock(0).now })).toBe(MAX_ITERATIONS);
    expect(await calibrateIterations({ now: steppingClock(-5).now })).toBe(MAX_ITERATIONS);
  });

  it.each([1, 7, 19, 20, 33, 80, 83, 99, 400, 5_000])('result for %i ms is bounded and a multiple of 10,000', async (ms) => {
    const result = await calibrateIterations({ now: steppingClock(ms).now, probeIterations: 1_000 });
    expect(result % 10_000).toBe(0);
    expect(result).toBeGreaterThanOrEqual(DEFAULT_ITERATIONS);
    expect(result).toBeLessThanOrEqual(MAX_ITERATIONS);
    expect(() => checkKdfParams({ name: KDF_NAME, iterations: result, salt: new Uint8Array(SALT_BYTES) })).not.toThrow();
  });

  it('with the real clock still returns an accepted iteration count', async () => {
    const result = await calibrateIterations();
    expect(result % 10_000).toBe(0);
    expect(result).toBeGreaterThanOrEqual(DEFAULT_ITERATIONS);
    expect(result).toBeLessThanOrEqual(MAX_ITERATIONS);
  });

  it.each([0, -1, Number.NaN])('rejects targetMs %s', async (targetMs) => {
    await expect(calibrateIterations({ targetMs, now: steppingClock(20).now })).rejects.toThrow(RangeError);
  });
});

describe('passwords must be well-formed Unicode', () => {
  it.each([['a\uD800 lone high'], ['a\uDBFF lone high'], ['\uDC00 lone low'], ['end\uD83D']])('deriveKek refuses %j', async (password) => {
    await expect(deriveKek(password, newKdfParams(MIN_ITERATIONS))).rejects.toThrow(/well-formed/);
  });

  it('accepts proper surrogate pairs', async () => {
    expect(isWellFormed('😀🔑')).toBe(true);
    expect(isWellFormed('a\uD800')).toBe(false);
    await expect(deriveKek('😀🔑', newKdfParams(MIN_ITERATIONS))).resolves.toBeDefined();
  });
});
