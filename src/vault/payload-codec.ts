// Owns the binary encoding of a backup payload (docs/FORMAT.md §6.5, format version 2): any tree of
// null, booleans, numbers, strings, byte strings, arrays and plain objects — whatever rows the stores
// hold — with byte strings stored raw and every distinct string once. Version 1 wrote JSON with base64
// byte strings; parsing and re-encoding that dominated checking and exporting a backup (issue #7).

import { isWellFormed } from '../crypto';

const T_NULL = 0x00;
const T_FALSE = 0x01;
const T_TRUE = 0x02;
/** An integer 0 ≤ n ≤ 2^53 − 1, as an unsigned LEB128 varint. */
const T_UINT = 0x03;
/** Any other number: IEEE 754 binary64, big-endian. */
const T_FLOAT = 0x04;
/** A string from the string table, by index. */
const T_STRING = 0x05;
const T_BYTES = 0x06;
const T_ARRAY = 0x07;
const T_OBJECT = 0x08;
/** A string that is not well-formed UTF-16 (a lone surrogate), kept exactly: its UTF-16 code units, big-endian. */
const T_UTF16 = 0x09;

/** Nesting deeper than this is refused (store rows are a few levels deep). */
export const MAX_DEPTH = 32;

const encoder = new TextEncoder();
/** The native check where there is one (a regex over every distinct string otherwise). */
const wellFormed = (s: string): boolean => {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? native.call(s) : isWellFormed(s);
};
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Writer {
  buf = new Uint8Array(1 << 20);
  view = new DataView(this.buf.buffer);
  at = 0;

  reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.at++] = b;
  }

  varint(n: number): void {
    this.reserve(8);
    if (n < 0x80) {
      this.buf[this.at++] = n;
      return;
    }
    while (n >= 0x80) {
      this.buf[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.at++] = n;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  float(n: number): void {
    this.reserve(8);
    this.view.setFloat64(this.at, n);
    this.at += 8;
  }

  done(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.at);
  }
}

/** Encodes `value`; undefined object properties are left out (as JSON does). Anything else unknown is a TypeError. */
export function encodeTree(value: unknown): Uint8Array<ArrayBuffer> {
  const strings = new Map<string, number>();
  const body = new Writer();
  const write = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) throw new TypeError(`the payload nests deeper than ${MAX_DEPTH}`);
    if (v === null) body.byte(T_NULL);
    else if (v === false) body.byte(T_FALSE);
    else if (v === true) body.byte(T_TRUE);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0)) {
        body.byte(T_UINT);
        body.varint(v);
      } else {
        body.byte(T_FLOAT);
        body.float(v);
      }
    } else if (typeof v === 'string') {
      let index = strings.get(v);
      if (index === undefined && wellFormed(v)) strings.set(v, (index = strings.size));
      if (index !== undefined) {
        body.byte(T_STRING);
        body.varint(index);
      } else {
        body.byte(T_UTF16);
        body.varint(v.length);
        body.reserve(v.length * 2);
        for (let i = 0; i < v.length; i++) {
          body.view.setUint16(body.at, v.charCodeAt(i));
          body.at += 2;
        }
      }
    } else if (v instanceof Uint8Array) {
      body.byte(T_BYTES);
      body.varint(v.length);
      body.bytes(v);
    } else if (Array.isArray(v)) {
      body.byte(T_ARRAY);
      body.varint(v.length);
      for (const item of v) write(item, depth + 1);
    } else if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      let present = 0;
      for (const key of keys) if (o[key] !== undefined) present++;
      body.byte(T_OBJECT);
      body.varint(present);
      for (const key of keys) {
        const item = o[key];
        if (item === undefined) continue;
        // Keys go through the table too: row fields repeat in every row.
        let index = strings.get(key);
        if (index === undefined) {
          if (!wellFormed(key)) throw new TypeError('an object key is not well-formed Unicode');
          strings.set(key, (index = strings.size));
        }
        body.varint(index);
        write(item, depth + 1);
      }
    } else {
      throw new TypeError(`a payload cannot hold a ${Object.prototype.toString.call(v)}`);
    }
  };
  write(value, 0);

  // String table: count, each string's length in UTF-16 code units, then all of them as one UTF-8 run
  // (one decode for the whole table; every table string is well-formed, so lengths survive UTF-8).
  const table = new Writer();
  const all = [...strings.keys()];
  table.varint(all.length);
  for (const s of all) table.varint(s.length);
  const utf8 = encoder.encode(all.join(''));
  table.varint(utf8.length);
  table.bytes(utf8);
  table.bytes(body.buf.subarray(0, body.at));
  return table.done();
}

/**
 * Decodes what encodeTree wrote. Any malformation (bad tag, overrun, trailing bytes, bad UTF-8) is a
 * TypeError. Byte strings are copies unless `copyBytes` is false: then they are views into `bytes`
 * (cheaper, for a tree that is only looked at; a view put into IndexedDB would store all of `bytes`).
 */
export function decodeTree(bytes: Uint8Array, { copyBytes = true }: { copyBytes?: boolean } = {}): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const fail = (what: string): never => {
    throw new TypeError(`the payload is malformed: ${what} at byte ${at}`);
  };
  const varint = (): number => {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (at >= bytes.length) fail('a number runs past the end');
      const b = bytes[at++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (n > Number.MAX_SAFE_INTEGER) fail('a number is too large');
        return n;
      }
      scale *= 0x80;
    }
    return fail('a number is too long');
  };
  const need = (n: number): void => {
    if (n > bytes.length - at) fail('a value runs past the end');
  };

  const count = varint();
  // Every table entry takes at least one byte of lengths: a count beyond that is a lie.
  need(count);
  const lengths = new Array<number>(count);
  let total = 0;
  for (let i = 0; i < count; i++) total += lengths[i] = varint();
  const utf8Length = varint();
  need(utf8Length);
  let text: string;
  try {
    text = decoder.decode(bytes.subarray(at, at + utf8Length));
  } catch {
    return fail('the string table is not UTF-8');
  }
  at += utf8Length;
  if (text.length !== total) fail('the string table lengths do not add up');
  const strings = new Array<string>(count);
  for (let i = 0, from = 0; i < count; i++) {
    strings[i] = text.slice(from, from + lengths[i]!);
    from += lengths[i]!;
  }
  const string = (): string => {
    const index = varint();
    if (index >= count) fail('a string index is out of range');
    return strings[index]!;
  };

  const read = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    need(1);
    const tag = bytes[at++];
    switch (tag) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_UINT:
        return varint();
      case T_FLOAT: {
        need(8);
        const n = view.getFloat64(at);
        at += 8;
        return n;
      }
      case T_STRING:
        return string();
      case T_UTF16: {
        const n = varint();
        need(n * 2);
        let s = '';
        for (let i = 0; i < n; i++, at += 2) s += String.fromCharCode(view.getUint16(at));
        return s;
      }
      case T_BYTES: {
        const n = varint();
        need(n);
        // A copy: a view into the whole payload would be stored (structured-cloned) whole with every row.
        const out = copyBytes ? bytes.slice(at, at + n) : bytes.subarray(at, at + n);
        at += n;
        return out;
      }
      case T_ARRAY: {
        const n = varint();
        need(n);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = read(depth + 1);
        return out;
      }
      case T_OBJECT: {
        const n = varint();
        need(n);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const key = string();
          const value = read(depth + 1);
          // As version 1's reader (parseJson): "__proto__", "constructor" and "prototype" members are dropped.
          if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype') out[key] = value;
        }
        return out;
      }
      default:
        return fail(`unknown tag ${tag}`);
    }
  };
  const root = read(0);
  if (at !== bytes.length) fail('bytes follow the payload');
  return root;
}
