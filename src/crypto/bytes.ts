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
const B64_LOOKUP = new Map<string, number>([...B64].map((c, i) => [c, i]));

export function toBase64(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

/** Strict base64 (RFC 4648 §4): padding required, no whitespace, canonical trailing bits. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('"base64" must be a string');
  if (text.length % 4 !== 0) throw new RangeError(`"base64" length must be a multiple of 4, got ${text.length}`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new RangeError('"base64" contains characters outside the base64 alphabet');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.slice(0, text.length - pad);
  return decodeSextets(body, 'base64');
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Strict base64url (RFC 4648 §5) without padding, as JWK uses it. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') throw new TypeError('"base64url" must be a string');
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new RangeError('"base64url" contains characters outside the base64url alphabet');
  if (text.length % 4 === 1) throw new RangeError(`"base64url" length ${text.length} is impossible`);
  return decodeSextets(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64url');
}

function decodeSextets(body: string, name: string): Uint8Array<ArrayBuffer> {
  const outLen = Math.floor((body.length * 6) / 8);
  const out = new Uint8Array(outLen);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const c of body) {
    acc = (acc << 6) | B64_LOOKUP.get(c)!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, so every byte string has exactly one encoding.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) throw new RangeError(`"${name}" has non-zero trailing bits`);
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
