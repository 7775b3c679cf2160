// Tests for bytes.ts: UTF-8, hex, base64 and base64url encodings (RFC 4648) and the byte helpers.

import { describe, it, expect } from 'vitest';
import {
  assertBytes,
  bufferSource,
  bytesEqual,
  concatBytes,
  fromBase64,
  fromBase64Url,
  fromHex,
  toBase64,
  toBase64Url,
  toHex,
  utf8Decode,
  utf8Encode,
} from './bytes';

function randomUint8(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  crypto.getRandomValues(out);
  return out;
}

// RFC 4648 §10 test vectors, as [input, BASE64, BASE16].
const RFC4648: ReadonlyArray<readonly [string, string, string]> = [
  ['', '', ''],
  ['f', 'Zg==', '66'],
  ['fo', 'Zm8=', '666F'],
  ['foo', 'Zm9v', '666F6F'],
  ['foob', 'Zm9vYg==', '666F6F62'],
  ['fooba', 'Zm9vYmE=', '666F6F6261'],
  ['foobar', 'Zm9vYmFy', '666F6F626172'],
];

describe('RFC 4648 §10 test vectors', () => {
  it.each(RFC4648)('%j: base64 %j, base16 %j', (input, base64, base16) => {
    const bytes = utf8Encode(input);
    expect(toBase64(bytes)).toBe(base64);
    expect(fromBase64(base64)).toEqual(bytes);
    // Keyward writes lower-case hex and reads either case.
    expect(toHex(bytes)).toBe(base16.toLowerCase());
    expect(toHex(bytes).toUpperCase()).toBe(base16);
    expect(fromHex(base16)).toEqual(bytes);
    expect(fromHex(base16.toLowerCase())).toEqual(bytes);
    // base64url (RFC 4648 §5) without padding, as JWK uses it.
    const base64url = base64.replace(/=+$/, '');
    expect(toBase64Url(bytes)).toBe(base64url);
    expect(fromBase64Url(base64url)).toEqual(bytes);
  });

  it('covers the alphabet positions 62 and 63 ("+/" vs "-_")', () => {
    const bytes = Uint8Array.of(0xfb, 0xff, 0xbf);
    expect(toBase64(bytes)).toBe('+/+/');
    expect(toBase64Url(bytes)).toBe('-_-_');
    expect(fromBase64('+/+/')).toEqual(bytes);
    expect(fromBase64Url('-_-_')).toEqual(bytes);
  });
});

describe('round-trips over random bytes, lengths 0..70', () => {
  const lengths = Array.from({ length: 71 }, (_, i) => i);

  it.each(lengths)('length %i', (length) => {
    const bytes = randomUint8(length);
    const hex = toHex(bytes);
    const b64 = toBase64(bytes);
    const b64url = toBase64Url(bytes);

    expect(hex).toHaveLength(length * 2);
    expect(b64).toHaveLength(Math.ceil(length / 3) * 4);
    expect(b64url).toHaveLength(Math.ceil((length * 4) / 3));
    expect(b64url).not.toMatch(/[=+/]/);

    expect(fromHex(hex)).toEqual(bytes);
    expect(fromBase64(b64)).toEqual(bytes);
    expect(fromBase64Url(b64url)).toEqual(bytes);

    // Node's Buffer as an independent oracle for the encoders.
    const buf = Buffer.from(bytes);
    expect(hex).toBe(buf.toString('hex'));
    expect(b64).toBe(buf.toString('base64'));
    expect(b64url).toBe(buf.toString('base64url'));
  });

  it('decoders return plain Uint8Arrays that own their bytes', () => {
    for (const decoded of [fromHex('00ff'), fromBase64('AP8='), fromBase64Url('AP8')]) {
      expect(decoded).toBeInstanceOf(Uint8Array);
      expect(decoded.buffer).toBeInstanceOf(ArrayBuffer);
      expect(decoded.byteOffset).toBe(0);
      expect(decoded.buffer.byteLength).toBe(2);
      expect([...decoded]).toEqual([0x00, 0xff]);
    }
  });
});

describe('fromHex bad input', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['odd length', 'abc'],
    ['odd length, one char', 'a'],
    ['non-hex char', '0g'],
    ['non-hex chars', 'zz'],
    ['leading space', ' 00'],
    ['trailing newline', '00\n'],
    ['inner space', '00 11'],
    ['0x prefix', '0x00'],
    ['sign', '-1'],
    ['non-ASCII digit', '٠٠'],
  ];

  it.each(cases)('%s: %j → RangeError', (_label, input) => {
    expect(() => fromHex(input)).toThrow(RangeError);
    expect(() => fromHex(input)).toThrow(/"hex"/);
  });

  it('non-string → TypeError', () => {
    expect(() => fromHex(1234 as unknown as string)).toThrow(TypeError);
    expect(() => fromHex(null as unknown as string)).toThrow(TypeError);
    expect(() => fromHex(Uint8Array.of(1) as unknown as string)).toThrow(TypeError);
  });
});

describe('fromBase64 bad input', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['length 1', 'Z'],
    ['length 2, unpadded', 'Zg'],
    ['length 3, short padding', 'Zg='],
    ['length 5', 'Zm9vY'],
    ['bad char !', 'Zm9v!A=='],
    ['bad char .', 'Zm.v'],
    ['url-safe "-"', 'Zm9-'],
    ['url-safe "_"', 'Zm9_'],
    ['whitespace inside', 'Zm 9'],
    ['trailing space', 'Zm9 '],
    ['newline inside', 'Zm9v\nYmFy'],
    ['tab', 'Zm9\t'],
    ['three pad chars', 'Z==='],
    ['only padding', '===='],
    ['padding in the middle', 'Zg==Zg=='],
    ['padding first', '=Zm9'],
    ['non-canonical trailing bits (1 byte)', 'Zh=='],
    ['non-canonical trailing bits (2 bytes)', 'Zm9='],
    ['non-canonical trailing bits (AB==)', 'AB=='],
    ['non-ASCII', 'Zm9é'],
  ];

  it.each(cases)('%s: %j → RangeError', (_label, input) => {
    expect(() => fromBase64(input)).toThrow(RangeError);
    expect(() => fromBase64(input)).toThrow(/"base64"/);
  });

  it('accepts the canonical neighbours of the non-canonical cases', () => {
    expect(fromBase64('Zg==')).toEqual(utf8Encode('f'));
    expect(fromBase64('Zm8=')).toEqual(utf8Encode('fo'));
    expect(fromBase64('AA==')).toEqual(Uint8Array.of(0));
  });

  it('non-string → TypeError', () => {
    expect(() => fromBase64(undefined as unknown as string)).toThrow(TypeError);
    expect(() => fromBase64({} as unknown as string)).toThrow(TypeError);
  });
});

describe('fromBase64Url bad input', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['padding', 'Zg=='],
    ['single pad', 'Zm8='],
    ['"+"', 'Zm9+'],
    ['"/"', 'Zm9/'],
    ['impossible length 1', 'Z'],
    ['impossible length 5', 'Zm9vY'],
    // Zero-valued last sextet: only the length check catches these (trailing bits are all zero).
    ['impossible length 1, zero bits', 'A'],
    ['impossible length 5, zero bits', 'Zm9vA'],
    ['whitespace', 'Zm9 '],
    ['newline', 'Zm9v\n'],
    ['bad char', 'Zm9*'],
    ['non-canonical trailing bits (1 byte)', 'Zh'],
    ['non-canonical trailing bits (2 bytes)', 'Zm9'],
  ];

  it.each(cases)('%s: %j → RangeError', (_label, input) => {
    expect(() => fromBase64Url(input)).toThrow(RangeError);
    expect(() => fromBase64Url(input)).toThrow(/"base64url"/);
  });

  it('non-string → TypeError', () => {
    expect(() => fromBase64Url(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('encoders reject non-bytes', () => {
  const notBytes: unknown[] = ['00', [0, 1], new ArrayBuffer(2), null, undefined, 7];
  it.each(notBytes)('%j → TypeError', (value) => {
    const v = value as Uint8Array;
    expect(() => toHex(v)).toThrow(TypeError);
    expect(() => toBase64(v)).toThrow(TypeError);
    expect(() => toBase64Url(v)).toThrow(TypeError);
    expect(() => utf8Decode(v)).toThrow(TypeError);
  });

  it('accepts any Uint8Array view, including a subarray', () => {
    const whole = Uint8Array.of(0, 1, 2, 3, 4, 5);
    const view = whole.subarray(2, 4);
    expect(toHex(view)).toBe('0203');
    expect(toBase64(view)).toBe('AgM=');
  });
});

describe('UTF-8', () => {
  const texts = ['', 'password', 'pǻssword', 'p\u0061\u030A\u0301ssword', '😀🔑', 'Grüße, 世界', '\u0000', '\uFEFFbom first', 'a\uFEFF'];

  it.each(texts)('round-trips %j', (text) => {
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });

  it('encodes known byte sequences', () => {
    expect(toHex(utf8Encode('é'))).toBe('c3a9');
    expect(toHex(utf8Encode('😀'))).toBe('f09f9880');
    expect(toHex(utf8Encode('\uFEFF'))).toBe('efbbbf');
  });

  it('keeps a leading byte-order mark as data', () => {
    expect(utf8Decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).toBe('\uFEFFA');
  });

  const invalid: ReadonlyArray<readonly [string, number[]]> = [
    ['0xff', [0xff]],
    ['0xfe', [0xfe]],
    ['lone continuation byte', [0x80]],
    ['overlong "/"', [0xc0, 0xaf]],
    ['overlong NUL', [0xc0, 0x80]],
    ['encoded surrogate U+D800', [0xed, 0xa0, 0x80]],
    ['truncated 3-byte sequence', [0xe2, 0x82]],
    ['truncated 4-byte sequence', [0xf0, 0x9f, 0x98]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['valid then invalid', [0x41, 0x42, 0xff]],
  ];

  it.each(invalid)('utf8Decode rejects %s', (_label, bytes) => {
    expect(() => utf8Decode(Uint8Array.from(bytes))).toThrow(TypeError);
  });

  it('still decodes after rejecting (no stuck decoder state)', () => {
    expect(() => utf8Decode(Uint8Array.of(0xe2, 0x82))).toThrow();
    expect(utf8Decode(Uint8Array.of(0x41))).toBe('A');
  });

  it('utf8Encode rejects non-strings', () => {
    expect(() => utf8Encode(1 as unknown as string)).toThrow(TypeError);
    expect(() => utf8Encode(null as unknown as string)).toThrow(TypeError);
  });
});

describe('concatBytes', () => {
  it('joins parts in order', () => {
    expect(concatBytes(Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3), Uint8Array.of(4, 5, 6))).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
  });

  it('returns a new empty array for no parts', () => {
    expect(concatBytes()).toEqual(new Uint8Array(0));
  });

  it('copies: the result does not alias its inputs', () => {
    const a = Uint8Array.of(1, 2);
    const out = concatBytes(a);
    a[0] = 9;
    expect(out).toEqual(Uint8Array.of(1, 2));
  });

  it('rejects a non-Uint8Array part', () => {
    expect(() => concatBytes(Uint8Array.of(1), [2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('bytesEqual', () => {
  it.each([
    [[], [], true],
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2, 3], [1, 2, 4], false],
    [[1, 2, 3], [1, 2], false],
    [[0], [], false],
    [[0x80], [0x00], false],
  ] as const)('%j vs %j → %s', (a, b, equal) => {
    expect(bytesEqual(Uint8Array.from(a), Uint8Array.from(b))).toBe(equal);
  });
});

describe('assertBytes', () => {
  it('accepts Uint8Array and subclasses, names the argument otherwise', () => {
    expect(() => assertBytes(new Uint8Array(1), 'x')).not.toThrow();
    expect(() => assertBytes(Buffer.alloc(1), 'x')).not.toThrow();
    expect(() => assertBytes(new Uint16Array(1), 'salt')).toThrow(/"salt" must be a Uint8Array/);
  });
});

describe('bufferSource', () => {
  it('hands WebCrypto the same view over an ArrayBuffer (no copy), and a copy of a view over a SharedArrayBuffer', () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    const part = whole.subarray(1, 4);
    expect(bufferSource(part)).toBe(part);
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    shared.set([9, 8, 7, 6]);
    const copy = bufferSource(shared.subarray(1, 3));
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    expect([...copy]).toEqual([8, 7]);
  });
});

