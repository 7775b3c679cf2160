// Owns opening a password-protected Bitwarden JSON export (issue #16): the KDF settings the file names (bounded),
// the key derived from the file password and salt, its stretch into encryption and MAC keys, and the EncStrings
// ("2.iv|ct|mac", AES-256-CBC with HMAC-SHA256) whose MAC is checked before anything is decrypted. WebCrypto and
// hash-wasm's Argon2id only; every failure is an InteropError whose words hold nothing from the file.
import { argon2id } from 'hash-wasm';
import { concatBytes, fromBase64, utf8Decode, utf8Encode } from '../crypto';
import { InteropError } from './model';

/** The bounds a file's KDF settings must keep (Bitwarden's own: PBKDF2 at most 2,000,000; Argon2id 2–10 passes, 16–1024 MiB, 1–16 lanes). */
export const BITWARDEN_KDF_LIMITS = {
  pbkdf2MaxIterations: 2_000_000,
  argon2MaxIterations: 100,
  argon2MaxMemoryMiB: 1024,
  argon2MaxParallelism: 16,
} as const;

export type BitwardenKdf = { type: 'pbkdf2'; iterations: number } | { type: 'argon2id'; iterations: number; memoryMiB: number; parallelism: number };

/** What a password-protected export holds around its data. */
export interface ProtectedExport {
  salt: string;
  kdf: BitwardenKdf;
  /** An EncString of a random id: opening it proves the password. */
  validation: string;
  /** The EncString of the unencrypted export's JSON. */
  data: string;
}

/** The parts of a type-2 EncString. */
export interface EncString {
  iv: Uint8Array<ArrayBuffer>;
  ct: Uint8Array<ArrayBuffer>;
  mac: Uint8Array<ArrayBuffer>;
}

interface ExportKeys {
  enc: CryptoKey;
  mac: CryptoKey;
}

const damaged = (what: string): InteropError => new InteropError('Damaged', `This Bitwarden export is damaged: ${what}.`);

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function count(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw damaged(`its ${what} is not a whole number`);
  if (value < min || value > max) {
    throw new InteropError('Unsupported', `This Bitwarden export asks for a ${what} outside what Keyward accepts (${min} to ${max}). Export it again with Bitwarden's default settings.`);
  }
  return value;
}

function kdfOf(file: Record<string, unknown>): BitwardenKdf {
  const type = own(file, 'kdfType');
  const L = BITWARDEN_KDF_LIMITS;
  if (type === 0) return { type: 'pbkdf2', iterations: count(own(file, 'kdfIterations'), 'PBKDF2 iteration count', 1, L.pbkdf2MaxIterations) };
  if (type === 1) {
    const iterations = count(own(file, 'kdfIterations'), 'Argon2id pass count', 1, L.argon2MaxIterations);
    const memoryMiB = count(own(file, 'kdfMemory'), 'Argon2id memory size (MiB)', 1, L.argon2MaxMemoryMiB);
    const parallelism = count(own(file, 'kdfParallelism'), 'Argon2id parallelism', 1, L.argon2MaxParallelism);
    return { type: 'argon2id', iterations, memoryMiB, parallelism };
  }
  throw new InteropError('Unsupported', 'This Bitwarden export uses a key derivation Keyward does not know (only PBKDF2 and Argon2id).');
}

/** The header of a password-protected export, checked; throws Damaged or Unsupported. */
export function readProtectedExport(file: Record<string, unknown>): ProtectedExport {
  const salt = own(file, 'salt');
  const validation = own(file, 'encKeyValidation_DO_NOT_EDIT');
  const data = own(file, 'data');
  if (typeof salt !== 'string' || salt === '') throw damaged('its salt is missing');
  if (typeof validation !== 'string') throw damaged('its password check is missing');
  if (typeof data !== 'string') throw damaged('its encrypted data is missing');
  return { salt, kdf: kdfOf(file), validation, data };
}

function b64(part: string): Uint8Array<ArrayBuffer> {
  try {
    return fromBase64(part);
  } catch {
    throw damaged('an encrypted value is not valid base64');
  }
}

/** Splits "2.iv|ct|mac"; refuses any other encryption type (0 has no MAC) and malformed parts. */
export function parseEncString(text: string): EncString {
  const dot = text.indexOf('.');
  const type = dot > 0 ? text.slice(0, dot) : '';
  if (!/^\d{1,2}$/.test(type)) throw damaged('an encrypted value has no encryption type');
  if (type !== '2') throw new InteropError('Unsupported', 'This Bitwarden export uses an encryption type Keyward does not read (only type 2, AES-256-CBC with HMAC-SHA256).');
  const parts = text.slice(dot + 1).split('|');
  if (parts.length !== 3) throw damaged('an encrypted value does not have its three parts');
  const [iv, ct, mac] = parts.map(b64) as [Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>];
  if (iv.length !== 16) throw damaged('an encrypted value has an IV of the wrong length');
  if (ct.length === 0 || ct.length % 16 !== 0) throw damaged('an encrypted value is truncated');
  if (mac.length !== 32) throw damaged('an encrypted value has a MAC of the wrong length');
  return { iv, ct, mac };
}

async function hmacKey(raw: Uint8Array<ArrayBuffer>, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** The 32-byte key the password and salt give under the file's KDF (the salt is the UTF-8 of its base64 text). */
export async function deriveMasterKey(password: string, salt: string, kdf: BitwardenKdf): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = globalThis.crypto.subtle;
  const pw = utf8Encode(password);
  const saltBytes = utf8Encode(salt);
  if (kdf.type === 'pbkdf2') {
    const base = await subtle.importKey('raw', pw, 'PBKDF2', false, ['deriveBits']);
    return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: saltBytes, iterations: kdf.iterations }, base, 256));
  }
  // Bitwarden gives Argon2id the SHA-256 of the salt, not the salt itself.
  const saltHash = new Uint8Array(await subtle.digest('SHA-256', saltBytes));
  try {
    const out = await argon2id({ password: pw, salt: saltHash, iterations: kdf.iterations, memorySize: kdf.memoryMiB * 1024, parallelism: kdf.parallelism, hashLength: 32, outputType: 'binary' });
    return new Uint8Array(out);
  } catch {
    throw new InteropError('Unsupported', 'Keyward could not run the Argon2id key derivation this Bitwarden export asks for (not enough memory?).');
  }
}

/** HKDF-Expand (RFC 5869 §2.3) of one block: HMAC-SHA256(prk, info ‖ 0x01) — 32 bytes is one SHA-256 block. */
async function expand(prk: CryptoKey, info: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', prk, concatBytes(utf8Encode(info), new Uint8Array([1]))));
}

/** The master key stretched into the encryption and MAC keys ("enc", "mac"). */
export async function stretchKey(master: Uint8Array<ArrayBuffer>): Promise<ExportKeys> {
  const prk = await hmacKey(master, 'sign');
  const [encRaw, macRaw] = await Promise.all([expand(prk, 'enc'), expand(prk, 'mac')]);
  const enc = await globalThis.crypto.subtle.importKey('raw', encRaw, 'AES-CBC', false, ['decrypt']);
  return { enc, mac: await hmacKey(macRaw, 'verify') };
}

/** The plaintext of an EncString, or null when its MAC does not verify (wrong key or altered bytes). */
export async function openEncString(value: EncString, keys: ExportKeys): Promise<Uint8Array | null> {
  const subtle = globalThis.crypto.subtle;
  if (!(await subtle.verify('HMAC', keys.mac, value.mac, concatBytes(value.iv, value.ct)))) return null;
  try {
    return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: value.iv }, keys.enc, value.ct));
  } catch {
    throw damaged('an encrypted value has bad padding');
  }
}

/**
 * The unencrypted export's JSON text inside a password-protected export. The password check is opened first: a
 * MAC that does not verify there means the wrong password; one that fails on the data means the file was altered.
 */
export async function decryptProtectedExport(file: Record<string, unknown>, password: string): Promise<string> {
  const header = readProtectedExport(file);
  const validation = parseEncString(header.validation);
  const data = parseEncString(header.data);
  const keys = await stretchKey(await deriveMasterKey(password, header.salt, header.kdf));
  if ((await openEncString(validation, keys)) === null) throw new InteropError('WrongPassword', 'This password does not open the Bitwarden export.');
  const plain = await openEncString(data, keys);
  if (plain === null) throw damaged('its data does not match its password check (the file was altered)');
  try {
    return utf8Decode(plain);
  } catch {
    throw damaged('its decrypted data is not UTF-8 text');
  }
}
