// Tests for random.ts: randomBytes, generateSecret, encodeSecret and randomId.

import { describe, it, expect, vi } from 'vitest';
import { fromBase64, fromBase64Url, fromHex, toHex } from './bytes';
import {
  SECRET_DEFAULT_BYTES,
  SECRET_FORMATS,
  SECRET_MAX_BYTES,
  SECRET_MIN_BYTES,
  encodeSecret,
  generateSecret,
  randomBytes,
  randomId,
  type SecretFormat,
} from './random';

const decoders: Record<SecretFormat, (text: string) => Uint8Array> = {
  hex: fromHex,
  base64: fromBase64,
  base64url: fromBase64Url,
};

const alphabets: Record<SecretFormat, RegExp> = {
  hex: /^[0-9a-f]+$/,
  base64: /^[A-Za-z0-9+/]+={0,2}$/,
  base64url: /^[A-Za-z0-9_-]+$/,
};

function encodedLength(bytes: number, format: SecretFormat): number {
  switch (format) {
    case 'hex':
      return bytes * 2;
    case 'base64':
      return Math.ceil(bytes / 3) * 4;
    case 'base64url':
      return Math.ceil((bytes * 4) / 3);
  }
}

describe('randomBytes', () => {
  it.each([0, 1, 12, 16, 32, 65535, 65536, 65537])('returns %i bytes', (length) => {
    const out = randomBytes(length);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out).toHaveLength(length);
  });

  it('fills more than the 65,536-byte getRandomValues limit, in every slice', () => {
    const out = randomBytes(100_000);
    expect(out).toHaveLength(100_000);
    // Each 65,536-byte slice is filled: an unfilled slice would be all zeros. Chance of a false
    // failure for a filled 34,464-byte slice is 2^-275,712.
    expect(out.subarray(0, 65_536).some((b) => b !== 0)).toBe(true);
    expect(out.subarray(65_536).some((b) => b !== 0)).toBe(true);
    // The last 1,000 bytes too (a slice-bound off-by-one would leave the tail empty).
    expect(out.subarray(99_000).some((b) => b !== 0)).toBe(true);
  });

  it('fills large requests in contiguous getRandomValues slices of at most 65,536 bytes', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    try {
      const out = randomBytes(200_000);
      const slices = spy.mock.calls.map(([view]) => {
        const v = view as Uint8Array;
        expect(v.buffer).toBe(out.buffer);
        return [v.byteOffset, v.byteLength] as const;
      });
      expect(slices).toEqual([
        [0, 65_536],
        [65_536, 65_536],
        [131_072, 65_536],
        [196_608, 3_392],
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('gives different bytes on each call', () => {
    expect(toHex(randomBytes(16))).not.toBe(toHex(randomBytes(16)));
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '16' as unknown as number])('rejects length %s with RangeError', (length) => {
    expect(() => randomBytes(length)).toThrow(RangeError);
    expect(() => randomBytes(length)).toThrow(/"length"/);
  });
});

describe('generateSecret', () => {
  it('defaults to 32 random bytes as base64url', () => {
    expect(SECRET_DEFAULT_BYTES).toBe(32);
    const secret = generateSecret();
    expect(secret).toHaveLength(43);
    expect(secret).toMatch(alphabets.base64url);
    expect(fromBase64Url(secret)).toHaveLength(32);
  });

  it('uses the default for each missing option', () => {
    expect(fromHex(generateSecret({ format: 'hex' }))).toHaveLength(32);
    expect(generateSecret({ bytes: 16 })).toMatch(alphabets.base64url);
    expect(fromBase64Url(generateSecret({ bytes: 16 }))).toHaveLength(16);
  });

  const combos = SECRET_FORMATS.flatMap((format) => [SECRET_MIN_BYTES, 17, SECRET_DEFAULT_BYTES, 33, SECRET_MAX_BYTES].map((bytes) => [bytes, format] as const));

  it.each(combos)('%i bytes as %s: right length, alphabet and decoded size', (bytes, format) => {
    const secret = generateSecret({ bytes, format });
    expect(secret).toHaveLength(encodedLength(bytes, format));
    expect(secret).toMatch(alphabets[format]);
    expect(decoders[format](secret)).toHaveLength(bytes);
  });

  it('hex lengths at the bounds are 32 and 128', () => {
    expect(SECRET_MIN_BYTES).toBe(16);
    expect(SECRET_MAX_BYTES).toBe(64);
    expect(generateSecret({ bytes: 16, format: 'hex' })).toHaveLength(32);
    expect(generateSecret({ bytes: 64, format: 'hex' })).toHaveLength(128);
  });

  it('two secrets differ', () => {
    expect(generateSecret()).not.toBe(generateSecret());
    expect(generateSecret({ bytes: 16, format: 'hex' })).not.toBe(generateSecret({ bytes: 16, format: 'hex' }));
  });

  it.each([15, 65, 0, -32, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '32' as unknown as number])('rejects bytes %s with a RangeError naming "bytes"', (bytes) => {
    expect(() => generateSecret({ bytes })).toThrow(RangeError);
    expect(() => generateSecret({ bytes })).toThrow(/"bytes"/);
  });

  it.each(['base32', 'HEX', '', 'base64url '])('rejects unknown format %j', (format) => {
    expect(() => generateSecret({ format: format as SecretFormat })).toThrow(RangeError);
    expect(() => generateSecret({ format: format as SecretFormat })).toThrow(/"format"/);
  });
});

describe('encodeSecret', () => {
  const bytes = Uint8Array.of(0xfb, 0xff, 0x00, 0x10);

  it('encodes in each format', () => {
    expect(encodeSecret(bytes, 'hex')).toBe('fbff0010');
    expect(encodeSecret(bytes, 'base64')).toBe('+/8AEA==');
    expect(encodeSecret(bytes, 'base64url')).toBe('-_8AEA');
  });

  it('rejects an unknown format', () => {
    expect(() => encodeSecret(bytes, 'base32' as SecretFormat)).toThrow(RangeError);
  });
});

describe('randomId', () => {
  it('is 128 random bits as base64url', () => {
    const id = randomId();
    expect(id).toHaveLength(22);
    expect(id).toMatch(alphabets.base64url);
    expect(fromBase64Url(id)).toHaveLength(16);
  });

  it('does not repeat over 10,000 ids', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => randomId()));
    expect(ids.size).toBe(10_000);
  });
});
