// Tests for aead.ts: AES-GCM against Wycheproof, the sealed envelope, its context AAD and bad input.

import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { expectCryptoError, rejection } from '../../test/unit/crypto-helpers';
import { concatBytes, fromHex, toHex, utf8Decode, utf8Encode } from './bytes';
import { CryptoError } from './errors';
import { ENVELOPE_VERSION, IV_BYTES, TAG_BYTES, aesGcmDecrypt, aesGcmEncrypt, contextAad, open, seal, SEAL_DOMAIN } from './aead';
import type { DataKey, UserKey } from './keys';
import { generateDataKey, generateUserKey } from './wrap';

interface AeadTest {
  tcId: number;
  comment: string;
  flags: string[];
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface AeadGroup {
  ivSize: number;
  keySize: number;
  tagSize: number;
  tests: AeadTest[];
}
interface AeadFile {
  algorithm: string;
  numberOfTests: number;
  testGroups: AeadGroup[];
}

const gcmFile = JSON.parse(readFileSync(new URL('../../test/vectors/aes_gcm_test.json', import.meta.url), 'utf8')) as AeadFile;
// WebCrypto and our API use a 96-bit IV and 128-bit tag; all three AES key sizes are supported.
const gcmGroups = gcmFile.testGroups.filter((g) => g.ivSize === 96 && g.tagSize === 128 && [128, 192, 256].includes(g.keySize));
const gcmCases = gcmGroups.flatMap((g) => g.tests.map((t) => ({ ...t, keySize: g.keySize })));
const byResult = (result: AeadTest['result']) => gcmCases.filter((t) => t.result === result);

async function expectRejects(promise: Promise<unknown>, type: ErrorConstructor, message?: RegExp): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(type);
  if (message) expect((error as Error).message).toMatch(message);
}

function importGcmKey(hex: string, usages: KeyUsage[] = ['encrypt', 'decrypt']): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', fromHex(hex), 'AES-GCM', false, usages);
}

describe('AES-GCM: Wycheproof aes_gcm_test.json (ivSize 96, tagSize 128)', () => {
  const valid = byResult('valid');
  const invalid = byResult('invalid');
  const acceptable = byResult('acceptable');

  it('the filter keeps the 197 cases of all three key sizes', () => {
    expect(gcmFile.algorithm).toBe('AES-GCM');
    expect(new Set(gcmGroups.map((g) => g.keySize))).toEqual(new Set([128, 192, 256]));
    expect(gcmCases).toHaveLength(197);
    expect(valid.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
    expect(valid.length + invalid.length + acceptable.length).toBe(gcmCases.length);
  });

  it('every valid case: encrypt gives ct‖tag and decrypt gives msg back', async () => {
    let ran = 0;
    for (const t of valid) {
      const key = await importGcmKey(t.key);
      const iv = fromHex(t.iv);
      const aad = fromHex(t.aad);
      const msg = fromHex(t.msg);
      const expected = t.ct + t.tag;
      expect(toHex(await aesGcmEncrypt(key, iv, msg, aad)), `tcId ${t.tcId} encrypt`).toBe(expected);
      expect(toHex(await aesGcmDecrypt(key, iv, fromHex(expected), aad)), `tcId ${t.tcId} decrypt`).toBe(t.msg);
      ran++;
    }
    expect(ran).toBe(valid.length);
    expect(ran).toBeGreaterThanOrEqual(100);
  });

  it('every invalid case: decryption is rejected with DecryptFailed', async () => {
    let ran = 0;
    for (const t of invalid) {
      const key = await importGcmKey(t.key);
      const error = await rejection(aesGcmDecrypt(key, fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad)));
      expect(error, `tcId ${t.tcId} (${t.comment})`).toBeInstanceOf(CryptoError);
      expect((error as CryptoError).code, `tcId ${t.tcId}`).toBe('DecryptFailed');
      ran++;
    }
    expect(ran).toBe(invalid.length);
    expect(ran).toBeGreaterThanOrEqual(50);
  });

  // The pinned file has no "acceptable" cases in these groups; should a newer copy add some, they must not crash.
  it('every acceptable case (if any) runs without crashing', async () => {
    for (const t of acceptable) {
      const key = await importGcmKey(t.key);
      try {
        await aesGcmDecrypt(key, fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad));
      } catch (error) {
        expect(error).toBeInstanceOf(CryptoError);
      }
    }
  });
});

describe('aesGcmDecrypt', () => {
  it('rejects input shorter than the tag with DecryptFailed, before WebCrypto', async () => {
    const key = await generateDataKey();
    for (const length of [0, 1, TAG_BYTES - 1]) {
      await expectCryptoError(aesGcmDecrypt(key, new Uint8Array(IV_BYTES), new Uint8Array(length), new Uint8Array(0)), 'DecryptFailed');
    }
  });

  it('keeps the platform error as the cause', async () => {
    const key = await generateDataKey();
    const error = await expectCryptoError(aesGcmDecrypt(key, new Uint8Array(IV_BYTES), new Uint8Array(TAG_BYTES), new Uint8Array(0)), 'DecryptFailed');
    expect(error.cause).toBeDefined();
    expect(error.name).toBe('CryptoError');
  });
});

describe('aesGcmEncrypt / aesGcmDecrypt bad input', () => {
  const iv = new Uint8Array(IV_BYTES);
  const empty = new Uint8Array(0);

  it.each([0, 8, 11, 13, 16])('IV of %i bytes → RangeError mentioning "iv"', async (length) => {
    const key = await generateDataKey();
    await expectRejects(aesGcmEncrypt(key, new Uint8Array(length), empty, empty), RangeError, /"iv"/);
    await expectRejects(aesGcmDecrypt(key, new Uint8Array(length), new Uint8Array(TAG_BYTES), empty), RangeError, /"iv"/);
  });

  it.each([
    ['a string', 'secret'],
    ['a number[]', [1, 2, 3]],
    ['an ArrayBuffer', new ArrayBuffer(4)],
    ['null', null],
  ])('plaintext as %s → TypeError naming "plaintext"', async (_label, plaintext) => {
    const key = await generateDataKey();
    await expectRejects(aesGcmEncrypt(key, iv, plaintext as unknown as Uint8Array, empty), TypeError, /"plaintext"/);
  });

  it('IV, AAD and ciphertext must be Uint8Arrays', async () => {
    const key = await generateDataKey();
    await expectRejects(aesGcmEncrypt(key, Array.from(iv) as unknown as Uint8Array, empty, empty), TypeError, /"iv"/);
    await expectRejects(aesGcmEncrypt(key, iv, empty, 'aad' as unknown as Uint8Array), TypeError, /"aad"/);
    await expectRejects(aesGcmDecrypt(key, iv, 'ct' as unknown as Uint8Array, empty), TypeError, /"ciphertext"/);
    await expectRejects(aesGcmDecrypt(key, iv, new Uint8Array(TAG_BYTES), null as unknown as Uint8Array), TypeError, /"aad"/);
  });

  it('a key that passed the check for one usage is still refused for a usage it lacks (the check is remembered per usage)', async () => {
    const raw = '00'.repeat(32);
    const key = await importGcmKey(raw, ['decrypt']);
    const iv = new Uint8Array(IV_BYTES);
    await expectCryptoError(aesGcmDecrypt(key, iv, new Uint8Array(TAG_BYTES), new Uint8Array(0)), 'DecryptFailed');
    await expectRejects(aesGcmEncrypt(key, iv, new Uint8Array(1), new Uint8Array(0)), TypeError, /encrypt/);
    await expectRejects(aesGcmEncrypt(key, iv, new Uint8Array(1), new Uint8Array(0)), TypeError, /encrypt/);
  });

  it('a key without encrypt usage cannot encrypt; without decrypt usage cannot decrypt', async () => {
    const raw = '00'.repeat(32);
    await expectRejects(aesGcmEncrypt(await importGcmKey(raw, ['decrypt']), iv, empty, empty), TypeError, /encrypt/);
    await expectRejects(aesGcmDecrypt(await importGcmKey(raw, ['encrypt']), iv, new Uint8Array(TAG_BYTES), empty), TypeError, /decrypt/);
    // A wrap-only key (like a KEK) cannot seal.
    const wrapOnly = await importGcmKey(raw, ['wrapKey', 'unwrapKey']);
    await expectRejects(aesGcmEncrypt(wrapOnly, iv, empty, empty), TypeError, /"key"/);
    await expectRejects(seal(wrapOnly as DataKey, empty, empty), TypeError, /"key"/);
  });

  it('an HMAC key or an AES-CBC key is refused', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    await expectRejects(aesGcmEncrypt(hmac, iv, empty, empty), TypeError, /AES-GCM/);
    await expectRejects(aesGcmDecrypt(hmac, iv, new Uint8Array(TAG_BYTES), empty), TypeError, /AES-GCM/);
    const cbc = await crypto.subtle.generateKey({ name: 'AES-CBC', length: 256 }, false, ['encrypt', 'decrypt']);
    await expectRejects(aesGcmEncrypt(cbc, iv, empty, empty), TypeError, /AES-GCM/);
  });

  it('a non-CryptoKey is refused', async () => {
    await expectRejects(aesGcmEncrypt(new Uint8Array(32) as unknown as CryptoKey, iv, empty, empty), TypeError, /"key"/);
    await expectRejects(aesGcmEncrypt(null as unknown as CryptoKey, iv, empty, empty), TypeError, /"key"/);
  });
});

describe('contextAad', () => {
  it('is "kw1|<kind>|<id>|<field>|<version>" in UTF-8', () => {
    expect(utf8Decode(contextAad('rec', 'a', 'value', 1))).toBe('kw1|rec|a|value|1');
    expect(utf8Decode(contextAad('rec', 'a', 'value'))).toBe('kw1|rec|a|value|0');
    expect(utf8Decode(contextAad('rec', 'ünï', 'note', 42))).toBe('kw1|rec|ünï|note|42');
  });

  it('differs whenever any part differs', () => {
    const all = [
      contextAad('rec', 'a', 'value', 1),
      contextAad('rec', 'b', 'value', 1),
      contextAad('rec', 'a', 'name', 1),
      contextAad('rec', 'a', 'value', 2),
      contextAad('user', 'a', 'value', 1),
      contextAad('rec', 'a', 'value', 11),
    ].map(toHex);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([
    ['"|" in kind', () => contextAad('r|ec', 'a', 'value', 1), RangeError, /"kind"/],
    ['"|" in id', () => contextAad('rec', 'a|value', 'x', 1), RangeError, /"id"/],
    ['"|" in field', () => contextAad('rec', 'a', 'value|1', 1), RangeError, /"field"/],
    ['"|" alone', () => contextAad('rec', '|', 'value', 1), RangeError, /"id"/],
    ['empty kind', () => contextAad('', 'a', 'value', 1), TypeError, /"kind"/],
    ['empty id', () => contextAad('rec', '', 'value', 1), TypeError, /"id"/],
    ['empty field', () => contextAad('rec', 'a', '', 1), TypeError, /"field"/],
    ['non-string id', () => contextAad('rec', 7 as unknown as string, 'value', 1), TypeError, /"id"/],
    ['negative version', () => contextAad('rec', 'a', 'value', -1), RangeError, /"version"/],
    ['fractional version', () => contextAad('rec', 'a', 'value', 1.5), RangeError, /"version"/],
    ['NaN version', () => contextAad('rec', 'a', 'value', Number.NaN), RangeError, /"version"/],
    ['Infinity version', () => contextAad('rec', 'a', 'value', Number.POSITIVE_INFINITY), RangeError, /"version"/],
    ['unsafe-integer version', () => contextAad('rec', 'a', 'value', 2 ** 53), RangeError, /"version"/],
    ['string version', () => contextAad('rec', 'a', 'value', '1' as unknown as number), RangeError, /"version"/],
  ] as const)('rejects %s', (_label, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('shows that "|" must be refused: without the check these two contexts would collide', () => {
    // ('rec', 'a|value', 'x') would read as ('rec', 'a', 'value|x'): both are refused.
    expect(() => contextAad('rec', 'a|value', 'x', 1)).toThrow(RangeError);
    expect(() => contextAad('rec', 'a', 'value|x', 1)).toThrow(RangeError);
  });
});

describe('seal / open', () => {
  const aadA = contextAad('rec', 'a', 'value', 1);

  it('round-trips, with a data key and with a user key', async () => {
    for (const key of [await generateDataKey(), await generateUserKey()] as (DataKey | UserKey)[]) {
      for (const text of ['', 'x', 'hunter2', 'pǻssword 😀🔑', 'z'.repeat(5_000)]) {
        const envelope = await seal(key, utf8Encode(text), aadA);
        expect(utf8Decode(await open(key, envelope, aadA))).toBe(text);
      }
    }
  });

  it('has the layout version ‖ 96-bit IV ‖ ciphertext ‖ 128-bit tag', async () => {
    const key = await generateDataKey();
    const plaintext = utf8Encode('layout');
    const envelope = await seal(key, plaintext, aadA);
    expect(ENVELOPE_VERSION).toBe(1);
    expect(IV_BYTES).toBe(12);
    expect(TAG_BYTES).toBe(16);
    expect(envelope).toHaveLength(1 + IV_BYTES + plaintext.length + TAG_BYTES);
    expect(envelope[0]).toBe(ENVELOPE_VERSION);
    const iv = envelope.slice(1, 1 + IV_BYTES);
    const body = envelope.slice(1 + IV_BYTES);
    // FORMAT.md §2: the GCM AAD is the "seal|" domain followed by the context.
    const gcmAad = concatBytes(SEAL_DOMAIN, aadA);
    expect(utf8Decode(await aesGcmDecrypt(key, iv, body, gcmAad))).toBe('layout');
    await expect(aesGcmDecrypt(key, iv, body, aadA)).rejects.toMatchObject({ code: 'DecryptFailed' });
    // Deterministic given the IV: re-encrypting with that IV reproduces the envelope.
    expect(concatBytes(Uint8Array.of(ENVELOPE_VERSION), iv, await aesGcmEncrypt(key, iv, plaintext, gcmAad))).toEqual(envelope);
  });

  it('ciphertext differs each time for the same plaintext, key and AAD', async () => {
    const key = await generateDataKey();
    const plaintext = utf8Encode('same every time');
    const envelopes = await Promise.all(Array.from({ length: 20 }, () => seal(key, plaintext, aadA)));
    const bodies = envelopes.map((e) => toHex(e.subarray(1 + IV_BYTES)));
    expect(new Set(bodies).size).toBe(20);
    const ivs = envelopes.map((e) => toHex(e.subarray(1, 1 + IV_BYTES)));
    expect(new Set(ivs).size).toBe(20);
  });

  it('100,000 seals with one key repeat no IV', async () => {
    const key = await generateDataKey();
    const plaintext = Uint8Array.of(0x2a);
    const aad = contextAad('rec', 'iv', 'value', 0);
    const ivs = new Set<string>();
    const total = 100_000;
    const batch = 2_000;
    for (let done = 0; done < total; done += batch) {
      const envelopes = await Promise.all(Array.from({ length: batch }, () => seal(key, plaintext, aad)));
      for (const e of envelopes) ivs.add(toHex(e.subarray(1, 1 + IV_BYTES)));
    }
    expect(ivs.size).toBe(total);
  });

  describe('binding to the context (AAD) and key', () => {
    it('an envelope moved to another record fails with DecryptFailed', async () => {
      const key = await generateDataKey();
      const envelopeA = await seal(key, utf8Encode('secret of a'), aadA);
      const aadB = contextAad('rec', 'b', 'value', 1);
      const envelopeB = await seal(key, utf8Encode('secret of b'), aadB);
      await expectCryptoError(open(key, envelopeA, aadB), 'DecryptFailed');
      await expectCryptoError(open(key, envelopeB, aadA), 'DecryptFailed');
      expect(utf8Decode(await open(key, envelopeA, aadA))).toBe('secret of a');
    });

    it.each([
      ['field', contextAad('rec', 'a', 'name', 1)],
      ['version', contextAad('rec', 'a', 'value', 2)],
      ['kind', contextAad('user', 'a', 'value', 1)],
      ['empty AAD', new Uint8Array(0)],
    ])('a wrong %s fails with DecryptFailed', async (_label, wrongAad) => {
      const key = await generateDataKey();
      const envelope = await seal(key, utf8Encode('v'), aadA);
      await expectCryptoError(open(key, envelope, wrongAad), 'DecryptFailed');
    });

    it('a wrong key fails with DecryptFailed', async () => {
      const envelope = await seal(await generateDataKey(), utf8Encode('v'), aadA);
      await expectCryptoError(open(await generateDataKey(), envelope, aadA), 'DecryptFailed');
      await expectCryptoError(open(await generateUserKey(), envelope, aadA), 'DecryptFailed');
    });
  });

  describe('tampering', () => {
    it('every single-bit flip of an envelope fails', async () => {
      const key = await generateDataKey();
      const envelope = await seal(key, utf8Encode('flip me'), aadA);
      let tried = 0;
      for (let byte = 0; byte < envelope.length; byte++) {
        for (let bit = 0; bit < 8; bit++) {
          const tampered = new Uint8Array(envelope);
          tampered[byte] = tampered[byte]! ^ (1 << bit);
          // The format byte is checked first; everything after it is authenticated by GCM.
          await expectCryptoError(open(key, tampered, aadA), byte === 0 ? 'MalformedEnvelope' : 'DecryptFailed');
          tried++;
        }
      }
      expect(tried).toBe(envelope.length * 8);
      expect(utf8Decode(await open(key, envelope, aadA))).toBe('flip me');
    });

    it('every truncation fails: MalformedEnvelope below the minimum, DecryptFailed above', async () => {
      const key = await generateDataKey();
      const envelope = await seal(key, utf8Encode('truncate me'), aadA);
      const minimum = 1 + IV_BYTES + TAG_BYTES;
      for (let length = 0; length < envelope.length; length++) {
        await expectCryptoError(open(key, envelope.subarray(0, length), aadA), length < minimum ? 'MalformedEnvelope' : 'DecryptFailed');
      }
    });

    it('an appended byte fails with DecryptFailed', async () => {
      const key = await generateDataKey();
      const envelope = await seal(key, utf8Encode('v'), aadA);
      await expectCryptoError(open(key, concatBytes(envelope, Uint8Array.of(0)), aadA), 'DecryptFailed');
    });

    it.each([0, 2, 255])('format byte %i → MalformedEnvelope', async (format) => {
      const key = await generateDataKey();
      const envelope = await seal(key, utf8Encode('v'), aadA);
      const other = new Uint8Array(envelope);
      other[0] = format;
      await expectCryptoError(open(key, other, aadA), 'MalformedEnvelope');
    });

    it('an empty-plaintext envelope (exactly the minimum length) still opens and still detects tampering', async () => {
      const key = await generateDataKey();
      const envelope = await seal(key, new Uint8Array(0), aadA);
      expect(envelope).toHaveLength(1 + IV_BYTES + TAG_BYTES);
      expect(await open(key, envelope, aadA)).toEqual(new Uint8Array(0));
      const tampered = new Uint8Array(envelope);
      tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x80;
      await expectCryptoError(open(key, tampered, aadA), 'DecryptFailed');
    });
  });

  it('open rejects a non-Uint8Array envelope with TypeError', async () => {
    const key = await generateDataKey();
    await expectRejects(open(key, 'envelope' as unknown as Uint8Array, aadA), TypeError, /"envelope"/);
  });

  it('seal rejects non-bytes plaintext and AAD', async () => {
    const key = await generateDataKey();
    await expectRejects(seal(key, 'text' as unknown as Uint8Array, aadA), TypeError, /"plaintext"/);
    await expectRejects(seal(key, utf8Encode('text'), 'aad' as unknown as Uint8Array), TypeError, /"aad"/);
  });
});
