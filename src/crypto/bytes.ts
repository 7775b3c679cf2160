// Owns byte encodings: UTF-8, hex, base64 and base64url, strict both ways, plus small byte helpers.

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is data, not a marker; without it decode() strips it and a round-trip loses it.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('"text" must be a string');
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** Decodes UTF-8, refusing invalid sequences instead of inserting U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  return decoder.decode(bytes);
}

/**
 * The bytes as WebCrypto takes them: the same view when it lies over an ArrayBuffer (WebCrypto copies what it
 * reads during the call), a copy only over a SharedArrayBuffer. Spares a copy per call — at unlock, 20,000 of
 * them, each a separate buffer for the garbage collector — and leaves no extra copy of secret bytes.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`"${name}" must be a Uint8Array`);
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (typeof hex !== 'string') throw new TypeError('"hex" must be a string');
  if (hex.length % 2 !== 0) throw new RangeError(`"hex" must have an even length, got ${hex.length}`);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('"hex" must contain only 0-9 and a-f');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Char code → sextet, 255 for a character outside the alphabet (one table per alphabet). */
function lookup(alphabet: string): Uint8Array {
  const table = new Uint8Array(128).fill(255);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const B64_LOOKUP = lookup(B64);
const B64URL_LOOKUP = lookup(B64URL);
/** Two sextets (12 bits) → two characters: halves the per-character work of encoding. */
function pairs(alphabet: string): string[] {
  const out = new Array<string>(4096);
  for (let i = 0; i < 4096; i++) out[i] = alphabet[i >> 6]! + alphabet[i & 63]!;
  return out;
}
let B64_PAIRS: string[] | null = null;
let B64URL_PAIRS: string[] | null = null;

/**
 * Encodes without padding. Backups and the audit chain encode megabytes of ciphertext through here
 * (bench: backup_export, audit_verify), so it works on 12-bit pairs and joins chunks of strings instead
 * of concatenating one character at a time.
 */
function encodeSextets(bytes: Uint8Array, table: string[], alphabet: string): string {
  const parts: string[] = [];
  let out = '';
  let i = 0;
  const whole = bytes.length - (bytes.length % 3);
  for (; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += table[n >> 12]! + table[n & 4095]!;
    // Keeps each piece short, so the rope flattens cheaply (a 16 MB payload is one join, not a deep rope).
    if (out.length >= 8192) {
      parts.push(out);
      out = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]!;
  }
  if (parts.length === 0) return out;
  parts.push(out);
  return parts.join('');
}

export function toBase64(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  const out = encodeSextets(bytes, (B64_PAIRS ??= pairs(B64)), B64);
  const rest = bytes.length % 3;
  return rest === 1 ? `${out}==` : rest === 2 ? `${out}=` : out;
}

/** Strict base64 (RFC 4648 §4): padding required, no whitespace, canonical trailing bits. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('"base64" must be a string');
  if (text.length % 4 !== 0) throw new RangeError(`"base64" length must be a multiple of 4, got ${text.length}`);
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return decodeSextets(text, text.length - pad, B64_LOOKUP, 'base64');
}

export function toBase64Url(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  return encodeSextets(bytes, (B64URL_PAIRS ??= pairs(B64URL)), B64URL);
}

/** Strict base64url (RFC 4648 §5) without padding, as JWK uses it. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('"base64url" must be a string');
  if (text.length % 4 === 1) {
    // The alphabet error wins, as before, when both apply.
    decodeSextets(text, text.length, B64URL_LOOKUP, 'base64url', true);
    throw new RangeError(`"base64url" length ${text.length} is impossible`);
  }
  return decodeSextets(text, text.length, B64URL_LOOKUP, 'base64url');
}

/**
 * Decodes the first `end` characters of `text` with `table`; refuses any character outside the alphabet
 * (including padding before `end`) and non-zero trailing bits, so every byte string has one encoding.
 */
function decodeSextets(text: string, end: number, table: Uint8Array, name: string, checkOnly = false): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(checkOnly ? 0 : Math.floor((end * 6) / 8));
  let o = 0;
  let i = 0;
  const whole = end - (end % 4);
  for (; i < whole; i += 4) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    const c = text.charCodeAt(i + 2);
    const d = text.charCodeAt(i + 3);
    const sa = a < 128 ? table[a]! : 255;
    const sb = b < 128 ? table[b]! : 255;
    const sc = c < 128 ? table[c]! : 255;
    const sd = d < 128 ? table[d]! : 255;
    // Every sextet is ≤ 63; 255 marks a character outside the alphabet.
    if ((sa | sb | sc | sd) > 63) throw new RangeError(`"${name}" contains characters outside the ${name} alphabet`);
    if (checkOnly) continue;
    const n = (sa << 18) | (sb << 12) | (sc << 6) | sd;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  let acc = 0;
  let bits = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    const s = c < 128 ? table[c]! : 255;
    if (s === 255) throw new RangeError(`"${name}" contains characters outside the ${name} alphabet`);
    acc = (acc << 6) | s;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (!checkOnly) out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, so every byte string has exactly one encoding.
  if (!checkOnly && bits > 0 && (acc & ((1 << bits) - 1)) !== 0) throw new RangeError(`"${name}" has non-zero trailing bits`);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let len = 0;
  for (const p of parts) {
    assertBytes(p, 'part');
    len += p.length;
  }
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
