// Owns, for tests only, writing password-protected Bitwarden exports (the encryption side the importer never needs):
// PBKDF2 or Argon2id from the password and the salt's text, HKDF-Expand into enc/mac keys, "2.iv|ct|mac" EncStrings.
// Written apart from bitwarden-crypto.ts so a test of one is not the same code run twice; the known-answer files in
// bitwarden-crypto.test.ts come from a third implementation (Python's `cryptography`).
import { argon2id } from 'hash-wasm';
import { concatBytes, randomBytes, toBase64, utf8Encode } from '../crypto';

export type ProtectKdf = { kdfType: 0; kdfIterations: number } | { kdfType: 1; kdfIterations: number; kdfMemory: number; kdfParallelism: number };

export interface RawKeys {
  enc: Uint8Array<ArrayBuffer>;
  mac: Uint8Array<ArrayBuffer>;
}

const subtle = globalThis.crypto.subtle;

async function hmac(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const k = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', k, data));
}

/** The enc and mac keys a password, salt text and KDF give. */
export async function keysFor(password: string, salt: string, kdf: ProtectKdf): Promise<RawKeys> {
  let master: Uint8Array<ArrayBuffer>;
  if (kdf.kdfType === 0) {
    const base = await subtle.importKey('raw', utf8Encode(password), 'PBKDF2', false, ['deriveBits']);
    master = new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: utf8Encode(salt), iterations: kdf.kdfIterations }, base, 256));
  } else {
    const saltHash = new Uint8Array(await subtle.digest('SHA-256', utf8Encode(salt)));
    const out = await argon2id({ password: password, salt: saltHash, iterations: kdf.kdfIterations, memorySize: kdf.kdfMemory * 1024, parallelism: kdf.kdfParallelism, hashLength: 32, outputType: 'binary' });
    master = new Uint8Array(out);
  }
  const block = (info: string) => hmac(master, concatBytes(utf8Encode(info), new Uint8Array([1])));
  return { enc: await block('enc'), mac: await block('mac') };
}

/** An EncString of type 2 over `plain`. */
export async function encString(keys: RawKeys, plain: Uint8Array<ArrayBuffer>): Promise<string> {
  const iv = randomBytes(16);
  const k = await subtle.importKey('raw', keys.enc, 'AES-CBC', false, ['encrypt']);
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv }, k, plain));
  const mac = await hmac(keys.mac, concatBytes(iv, ct));
  return `2.${toBase64(iv)}|${toBase64(ct)}|${toBase64(mac)}`;
}

/** An EncString of type 2 whose MAC is right for `iv` and `ct` as given (to test what the MAC does not catch). */
export async function macedEncString(keys: RawKeys, iv: Uint8Array<ArrayBuffer>, ct: Uint8Array<ArrayBuffer>): Promise<string> {
  return `2.${toBase64(iv)}|${toBase64(ct)}|${toBase64(await hmac(keys.mac, concatBytes(iv, ct)))}`;
}

/** A password-protected export of `inner` (the unencrypted export's JSON text), as Bitwarden writes it. */
export async function protectExport(inner: string, password: string, kdf: ProtectKdf = { kdfType: 0, kdfIterations: 1000 }): Promise<Record<string, unknown>> {
  const salt = toBase64(randomBytes(16));
  return protectWith(inner, salt, await keysFor(password, salt, kdf), kdf);
}

/** The same with keys made already (so a test table pays for one key derivation). */
export async function protectWith(inner: string, salt: string, keys: RawKeys, kdf: ProtectKdf): Promise<Record<string, unknown>> {
  return {
    encrypted: true,
    passwordProtected: true,
    salt,
    kdfType: kdf.kdfType,
    kdfIterations: kdf.kdfIterations,
    kdfMemory: kdf.kdfType === 1 ? kdf.kdfMemory : null,
    kdfParallelism: kdf.kdfType === 1 ? kdf.kdfParallelism : null,
    encKeyValidation_DO_NOT_EDIT: await encString(keys, utf8Encode(globalThis.crypto.randomUUID())),
    data: await encString(keys, utf8Encode(inner)),
  };
}
