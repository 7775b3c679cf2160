import { describe, expect, it } from 'vitest';
import { decodeTree, encodeTree, MAX_DEPTH } from './payload-codec';

const tree = {
  kind: 'keyward-vault',
  version: 1,
  stores: {
    keys: [
      { id: 'k1', createdAt: 1_764_331_200_000, currentVersion: 3, destroyAt: null, autoRotate: false, deep: { yes: true }, sealedMeta: Uint8Array.of(1, 2, 3, 255) },
      { id: 'k2', createdAt: 0, currentVersion: 1, destroyAt: 1.5, autoRotate: true, deep: { yes: false }, sealedMeta: new Uint8Array(0) },
    ],
    odd: [-1, -0.25, 2 ** 53 - 1, 2 ** 53, 1e300, -(2 ** 60), 127, 128, 16_384, Number.MAX_SAFE_INTEGER],
    text: ['', 'pǻssword', '😀🔑', 'Café', 'k1', 'x'.repeat(70_000)],
    nested: [[[]], {}],
    publicKey: { kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' },
  },
};

describe('encodeTree / decodeTree', () => {
  it('round-trips every kind of value the stores hold, bytes as copies', () => {
    const bytes = encodeTree(tree);
    const back = decodeTree(bytes) as typeof tree;
    expect(back).toEqual(tree);
    const sealed = back.stores.keys[0]!.sealedMeta;
    expect(sealed).toBeInstanceOf(Uint8Array);
    // Its own buffer: storing the row must not clone the whole payload with it.
    expect(sealed.buffer.byteLength).toBe(4);
    expect(Object.keys(back.stores.keys[0]!)).toEqual(Object.keys(tree.stores.keys[0]!));
  });

  it('can hand out byte strings as views into the payload, for a tree that is only inspected', () => {
    const bytes = encodeTree(tree);
    const back = decodeTree(bytes, { copyBytes: false }) as typeof tree;
    expect(back).toEqual(tree);
    expect(back.stores.keys[0]!.sealedMeta.buffer).toBe(bytes.buffer);
  });

  it('keeps -0, NaN and a lone surrogate exactly', () => {
    const back = decodeTree(encodeTree([-0, Number.NaN, 'a\uD800b', '\uDC00'])) as unknown[];
    expect(Object.is(back[0], -0)).toBe(true);
    expect(back[1]).toBeNaN();
    expect(back[2]).toBe('a\uD800b');
    expect(back[3]).toBe('\uDC00');
  });

  it('stores each distinct string once', () => {
    const rows = Array.from({ length: 1000 }, () => ({ keyId: 'a-long-key-identifier-0123456789', permission: 'owner' }));
    const bytes = encodeTree(rows);
    expect(bytes.length).toBeLessThan(1000 * 10);
    expect(Buffer.from(bytes).toString('latin1').split('a-long-key-identifier').length).toBe(2);
  });

  it('leaves out undefined properties (as JSON did) and drops "__proto__" keys on reading', () => {
    expect(decodeTree(encodeTree({ a: 1, b: undefined }))).toEqual({ a: 1 });
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}, "prototype": 2, "ok": 1}') as Record<string, unknown>;
    const back = decodeTree(encodeTree(hostile)) as Record<string, unknown>;
    expect(back).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a Uint16Array', new Uint16Array(2)],
    ['undefined at the top', undefined],
    ['a function', () => 1],
    ['a bigint', 1n],
  ])('refuses %s', (_label, value) => {
    expect(() => encodeTree(value)).toThrow(TypeError);
    expect(() => encodeTree([value])).toThrow(TypeError);
  });

  it('refuses nesting deeper than MAX_DEPTH both ways', () => {
    let deep: unknown = 1;
    for (let i = 0; i <= MAX_DEPTH + 1; i++) deep = [deep];
    expect(() => encodeTree(deep)).toThrow(TypeError);
    // Hand-made: an empty string table, then MAX_DEPTH + 2 one-element arrays.
    const bomb = Uint8Array.from([0, 0, ...Array.from({ length: MAX_DEPTH + 2 }, () => [7, 1]).flat(), 0]);
    expect(() => decodeTree(bomb)).toThrow(/nesting/);
  });

  it('refuses every truncation, trailing bytes and unknown tags with a TypeError', () => {
    const bytes = encodeTree(tree.stores.keys);
    for (let n = 0; n < bytes.length; n++) expect(() => decodeTree(bytes.subarray(0, n))).toThrow(TypeError);
    expect(() => decodeTree(Uint8Array.from([...bytes, 0]))).toThrow(/follow/);
    expect(() => decodeTree(Uint8Array.of(0, 0, 0x42))).toThrow(/unknown tag/);
  });

  it('refuses a string table that lies', () => {
    // One string of length 5 whose UTF-8 holds 2 characters.
    expect(() => decodeTree(Uint8Array.of(1, 5, 2, 0x61, 0x62, 5, 0))).toThrow(/add up/);
    // A string index beyond the table.
    expect(() => decodeTree(Uint8Array.of(0, 0, 5, 3))).toThrow(/out of range/);
    // Invalid UTF-8.
    expect(() => decodeTree(Uint8Array.of(1, 1, 1, 0xff, 5, 0))).toThrow(/UTF-8/);
    // A count far beyond the bytes that follow.
    expect(() => decodeTree(Uint8Array.of(0xff, 0xff, 0xff, 0x7f))).toThrow(TypeError);
    // A varint that never ends, and one above 2^53 − 1.
    expect(() => decodeTree(Uint8Array.of(0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toThrow(/too long/);
    expect(() => decodeTree(Uint8Array.of(0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toThrow(/too large/);
  });
});
