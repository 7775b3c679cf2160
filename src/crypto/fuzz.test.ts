// Property-based fuzzing (fast-check) of the crypto layer's parsers: hex, base64, base64url, UTF-8 and pasted key
// material (PEM, JWK, hex, base64). Random and mutated inputs either parse to something that round-trips, or are
// refused with the module's own typed error; nothing else may escape. Sizes keep the whole file to seconds.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, fromHex, toBase64, toBase64Url, toHex, utf8Decode, utf8Encode } from './bytes';
import { parseJson } from './json';
import { exportPrivatePem, exportPublicPem, generateTypedKey, importKeyMaterial, TypedKeyError, type KeyAlgorithm, type KeyMaterial } from './typed-keys';
import { thrown } from '../../test/unit/thrown';


/** Own __proto__/constructor/prototype members anywhere in a parsed value. */
function poisoned(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((k) => [...(['__proto__', 'constructor', 'prototype'].includes(k) ? [k] : []), ...poisoned((value as Record<string, unknown>)[k])]);
}

const isRangeOrType = (e: unknown) => e instanceof RangeError || e instanceof TypeError;

/** Any UTF-16 text, lone surrogates included (fc.string's 'binary' unit is much slower to generate). */
function anyText(maxLength = 40): fc.Arbitrary<string> {
  return fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((codes) => String.fromCharCode(...codes));
}

/** Text that is mostly from `alphabet`, with a few characters from anywhere (so near-valid inputs are common). */
function nearly(alphabet: string, maxLength = 80): fc.Arbitrary<string> {
  const char = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...alphabet) }, { weight: 1, arbitrary: anyText(1) });
  return fc.array(char, { maxLength }).map((chars) => chars.join(''));
}

describe('byte encodings', () => {
  it('fromHex: any text is bytes that encode back to it (lower-cased), or a RangeError/TypeError', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), nearly('0123456789abcdefABCDEF')), (text) => {
        const e = thrown(() => expect(toHex(fromHex(text))).toBe(text.toLowerCase()));
        expect(e === null || isRangeOrType(e), String(e)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('fromBase64: any text is bytes that encode back to exactly it, or a RangeError/TypeError', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), nearly('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='), fc.base64String()), (text) => {
        const e = thrown(() => expect(toBase64(fromBase64(text))).toBe(text));
        expect(e === null || isRangeOrType(e), String(e)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('fromBase64Url: any text is bytes that encode back to exactly it, or a RangeError/TypeError', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), nearly('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')), (text) => {
        const e = thrown(() => expect(toBase64Url(fromBase64Url(text))).toBe(text));
        expect(e === null || isRangeOrType(e), String(e)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('every byte string round-trips through hex, base64 and base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('utf8Decode: random bytes are text that encodes back to them, or a TypeError (never U+FFFD in their place)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: 'grapheme' }).map(utf8Encode)), (bytes) => {
        const e = thrown(() => expect(utf8Encode(utf8Decode(bytes))).toEqual(bytes));
        expect(e === null || e instanceof TypeError, String(e)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('parseJson: any text is a value without poisoned keys, or a SyntaxError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.json().map((j) => j.replace(/"[^"]*":/, '"__proto__":'))), (text) => {
        let value: unknown;
        const e = thrown(() => (value = parseJson(text)));
        if (e !== null) expect(e).toBeInstanceOf(SyntaxError);
        else expect(poisoned(value)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});

// ── pasted key material ─────────────────────────────────────────────────────

const ALGORITHMS: KeyAlgorithm[] = [
  { kind: 'aes-gcm', length: 256 },
  { kind: 'hmac', hash: 'SHA-256' },
  { kind: 'ecdsa-p256' },
  { kind: 'ed25519' },
  { kind: 'rsa-pss', modulusLength: 2048 },
];

/** Valid texts of each form, made once: the seeds that mutations start from. */
const seeds: { alg: KeyAlgorithm; texts: string[] }[] = [];

beforeAll(async () => {
  for (const alg of ALGORITHMS) {
    const m: KeyMaterial = await generateTypedKey(alg);
    const texts = [JSON.stringify(m.secret ?? m.privateKey)];
    if (m.publicKey) texts.push(JSON.stringify(m.publicKey), await exportPublicPem(m, alg), await exportPrivatePem(m, alg));
    else texts.push(toHex(fromBase64Url(m.secret!.k!)), toBase64(fromBase64Url(m.secret!.k!)));
    seeds.push({ alg, texts });
  }
});

/** A text with one edit: a cut, a flipped character, an inserted or deleted run, or a swapped JSON value. */
function mutate(text: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, text.length) });
  return fc.oneof(
    at.map((i) => text.slice(0, i)),
    fc.tuple(at, anyText(1)).map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    fc.tuple(at, fc.string({ maxLength: 8 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.tuple(at, fc.nat({ max: 40 })).map(([i, n]) => text.slice(0, i) + text.slice(i + n)),
    fc.tuple(fc.constantFrom('"kty"', '"crv"', '"k"', '"d"', '"x"', '"n"', '"e"', '"alg"', '"key_ops"', '"ext"'), fc.jsonValue()).map(
      ([field, value]) => text.replace(new RegExp(`${field}:("[^"]*"|\\[[^\\]]*\\]|true|false)`), `${field}:${JSON.stringify(value) ?? 'null'}`),
    ),
  );
}

/** What an import may do: give material that names only JWKs, or refuse with TypedKeyError. */
async function importsOrRefuses(text: string, alg: KeyAlgorithm): Promise<void> {
  try {
    const m = await importKeyMaterial(text, alg);
    for (const jwk of [m.secret, m.privateKey, m.publicKey]) if (jwk !== undefined) expect(typeof jwk.kty).toBe('string');
    expect(m.secret ?? m.publicKey).toBeDefined();
  } catch (error) {
    if (!(error instanceof TypedKeyError)) throw new Error(`importKeyMaterial(${JSON.stringify(text.slice(0, 200))}, ${JSON.stringify(alg)}) threw ${String(error)}`);
  }
}

describe('importKeyMaterial', () => {
  it('random text, and text that starts like PEM or JWK, is imported or refused with TypedKeyError', async () => {
    const text = fc.oneof(
      anyText(300),
      fc.string({ maxLength: 300 }).map((s) => `-----BEGIN PRIVATE KEY-----\n${s}\n-----END PRIVATE KEY-----`),
      fc.string({ maxLength: 300 }).map((s) => `-----BEGIN ${s}`),
      fc.json().map((j) => (j.startsWith('{') ? j : `{${j}`)),
      fc.dictionary(fc.constantFrom('kty', 'k', 'crv', 'x', 'y', 'd', 'n', 'e', 'key_ops', 'ext', 'alg'), fc.jsonValue()).map((o) => JSON.stringify(o)),
      fc.uint8Array({ maxLength: 80 }).map(toHex),
      fc.uint8Array({ maxLength: 80 }).map(toBase64),
    );
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom(...ALGORITHMS), (t, alg) => importsOrRefuses(t, alg)),
      { numRuns: 600 },
    );
  });

  it('every valid form, mutated once, is imported or refused with TypedKeyError', async () => {
    const cases = fc.constantFrom(...seeds.flatMap(({ alg, texts }) => texts.map((t) => ({ alg, t })))).chain(({ alg, t }) =>
      fc.tuple(fc.constant(alg), fc.oneof({ weight: 1, arbitrary: fc.constant(t) }, { weight: 9, arbitrary: mutate(t) }), fc.constantFrom(...ALGORITHMS)),
    );
    await fc.assert(
      fc.asyncProperty(cases, fc.boolean(), async ([own, text, other], sameType) => importsOrRefuses(text, sameType ? own : other)),
      { numRuns: 600 },
    );
  });
});
