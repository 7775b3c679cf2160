// Owns the backup file format (docs/FORMAT.md §6): encrypting a payload into a self-describing file and
// reading one back, with a distinct error for every way a file can be wrong. WebCrypto only: Node can run it.

import {
  bytesEqual,
  checkKdfParams,
  concatBytes,
  fromBase64Url,
  isWellFormed,
  KDF_NAME,
  parseJson,
  pbkdf2Sha256,
  randomBytes,
  SALT_BYTES,
  toBase64Url,
  utf8Decode,
  utf8Encode,
  type KdfParams,
} from '../crypto';

/** "\x89KWBAK\r\n": a non-ASCII first byte and a CRLF catch text-mode mangling, as PNG's signature does. */
export const BACKUP_MAGIC = Uint8Array.of(0x89, 0x4b, 0x57, 0x42, 0x41, 0x4b, 0x0d, 0x0a);
export const BACKUP_VERSION = 1;
export const MAX_BACKUP_BYTES = 256 * 1024 * 1024;
export const MAX_HEADER_BYTES = 64 * 1024;
export const CHUNK_SIZE = 64 * 1024;
const TAG = 16;
const PREFIX = BACKUP_MAGIC.length + 1 + 4;
const MAC_BYTES = 32;
/** An unkeyed SHA-256 of prefix ‖ header, then the keyed MAC: damage is told apart before any password is tried. */
const SUM_BYTES = 32;

export type BackupErrorCode =
  | 'Empty'
  | 'TooLarge'
  | 'NotBackup'
  | 'NewerVersion'
  | 'KdfOutOfBounds'
  | 'WrongPassword'
  | 'Damaged'
  | 'Truncated';

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Plain words for each code: the same in the app and in `npm run decrypt-backup`. */
export const BACKUP_ERROR_WORDS: Readonly<Record<BackupErrorCode, string>> = Object.freeze({
  Empty: 'The file is empty.',
  TooLarge: `The file is larger than ${MAX_BACKUP_BYTES / 1024 / 1024} MiB, more than any Keyward backup can be.`,
  NotBackup: 'This is not a Keyward backup file.',
  NewerVersion: 'This backup was made by a newer version of Keyward. Update Keyward to read it.',
  KdfOutOfBounds: 'The backup asks for key-derivation settings outside the safe range; it was not made by Keyward or was altered.',
  WrongPassword: 'That password does not open this backup.',
  Damaged: 'The backup file is damaged or was altered; it cannot be trusted.',
  Truncated: 'The backup file is incomplete: it was cut off (an interrupted download or copy?).',
});

/** The authenticated, self-describing header. */
export interface BackupHeader {
  kdf: { name: typeof KDF_NAME; iterations: number; salt: string };
  cipher: 'AES-256-GCM';
  chunkSize: number;
  /** Ciphertext bytes after the header MAC: truncation and appended bytes are told apart from damage. */
  payloadBytes: number;
  /** HMAC(K_check, "kwbak1|check"): tells a wrong password from a damaged file. */
  check: string;
  createdAt: string;
  appVersion: string;
  vaultId: string;
  counts: Record<string, number>;
  auditHead: { seq: number; mac: string } | null;
}

export type HeaderInfo = Omit<BackupHeader, 'kdf' | 'cipher' | 'chunkSize' | 'payloadBytes' | 'check'>;

interface FileKeys {
  check: CryptoKey;
  header: CryptoKey;
  payload: CryptoKey;
}

/** PBKDF2 → 96 bytes: check key ‖ header MAC key ‖ payload key (FORMAT.md §6.3). */
async function deriveFileKeys(password: string, kdf: KdfParams): Promise<FileKeys> {
  const bits = await pbkdf2Sha256(utf8Encode(password.normalize('NFC')), kdf.salt, kdf.iterations, 96);
  const hmac = { name: 'HMAC', hash: 'SHA-256' } as const;
  try {
    return {
      check: await crypto.subtle.importKey('raw', bits.slice(0, 32), hmac, false, ['sign']),
      header: await crypto.subtle.importKey('raw', bits.slice(32, 64), hmac, false, ['sign']),
      payload: await crypto.subtle.importKey('raw', bits.slice(64, 96), 'AES-GCM', false, ['encrypt', 'decrypt']),
    };
  } finally {
    bits.fill(0);
  }
}

async function hmac(key: CryptoKey, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, new Uint8Array(data)));
}

function nonce(counter: number, last: boolean): Uint8Array<ArrayBuffer> {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(7, counter); // 11-byte big-endian counter (top bytes stay 0) ‖ flag
  n[11] = last ? 1 : 0;
  return n;
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0 || !isWellFormed(password)) throw new BackupError('WrongPassword', 'the password is empty or malformed');
}

/** Encrypts `payload` under `password` with a fresh salt (so a fresh key) into a backup file. */
export async function writeBackupFile(payload: Uint8Array, password: string, info: HeaderInfo, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  checkPassword(password);
  const kdf = checkKdfParams({ name: KDF_NAME, iterations, salt: randomBytes(SALT_BYTES) });
  const keys = await deriveFileKeys(password, kdf);
  const chunks = Math.max(1, Math.ceil(payload.length / CHUNK_SIZE));
  const header: BackupHeader = {
    kdf: { name: KDF_NAME, iterations: kdf.iterations, salt: toBase64Url(kdf.salt) },
    cipher: 'AES-256-GCM',
    chunkSize: CHUNK_SIZE,
    payloadBytes: payload.length + chunks * TAG,
    check: toBase64Url(await hmac(keys.check, utf8Encode('kwbak1|check'))),
    ...info,
  };
  const headerBytes = utf8Encode(JSON.stringify(header));
  if (headerBytes.length > MAX_HEADER_BYTES) throw new RangeError('the backup header is too large');
  const prefix = new Uint8Array(PREFIX);
  prefix.set(BACKUP_MAGIC);
  prefix[BACKUP_MAGIC.length] = BACKUP_VERSION;
  new DataView(prefix.buffer).setUint32(BACKUP_MAGIC.length + 1, headerBytes.length);
  const authenticated = concatBytes(prefix, headerBytes);
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', authenticated));
  const mac = await hmac(keys.header, authenticated);
  const parts: Uint8Array[] = [authenticated, sum, mac];
  for (let i = 0; i < chunks; i++) {
    const plain = payload.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
    parts.push(new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce(i, i === chunks - 1), additionalData: mac }, keys.payload, new Uint8Array(plain))));
  }
  return concatBytes(...parts);
}

export interface ParsedHeader {
  header: BackupHeader;
  kdf: KdfParams;
  /** Bytes covered by the header MAC. */
  authenticated: Uint8Array;
  mac: Uint8Array;
  body: Uint8Array;
}

/** Reads and checks everything that can be checked without the password. */
export async function readBackupHeader(file: Uint8Array): Promise<ParsedHeader> {
  if (file.length === 0) throw new BackupError('Empty', 'the file is empty');
  if (file.length > MAX_BACKUP_BYTES) throw new BackupError('TooLarge', 'the file is too large');
  const magicPart = file.subarray(0, BACKUP_MAGIC.length);
  if (!bytesEqual(magicPart, BACKUP_MAGIC.subarray(0, magicPart.length))) throw new BackupError('NotBackup', 'the magic bytes are wrong');
  if (file.length < PREFIX) throw new BackupError('Truncated', 'the file ends inside its prefix');
  const version = file[BACKUP_MAGIC.length]!;
  if (version > BACKUP_VERSION) throw new BackupError('NewerVersion', `format version ${version}`);
  if (version !== BACKUP_VERSION) throw new BackupError('Damaged', `format version ${version} does not exist`);
  const headerLength = new DataView(file.buffer, file.byteOffset + BACKUP_MAGIC.length + 1, 4).getUint32(0);
  if (headerLength === 0 || headerLength > MAX_HEADER_BYTES) throw new BackupError('Damaged', `header length ${headerLength} is out of bounds`);
  if (file.length < PREFIX + headerLength + SUM_BYTES + MAC_BYTES) throw new BackupError('Truncated', 'the file ends inside its header');
  const authenticated = file.subarray(0, PREFIX + headerLength);
  const sum = file.subarray(PREFIX + headerLength, PREFIX + headerLength + SUM_BYTES);
  if (!bytesEqual(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(authenticated))), sum)) throw new BackupError('Damaged', 'the header checksum does not match');
  let header: BackupHeader;
  try {
    header = parseHeader(utf8Decode(file.subarray(PREFIX, PREFIX + headerLength)));
  } catch (cause) {
    throw new BackupError('Damaged', 'the header is not valid', { cause });
  }
  let kdf: KdfParams;
  try {
    kdf = checkKdfParams({ name: header.kdf.name, iterations: header.kdf.iterations, salt: fromBase64Url(header.kdf.salt) });
  } catch (cause) {
    throw new BackupError('KdfOutOfBounds', 'the key-derivation parameters are out of bounds', { cause });
  }
  const bodyStart = PREFIX + headerLength + SUM_BYTES + MAC_BYTES;
  const body = file.subarray(bodyStart);
  if (body.length < header.payloadBytes) throw new BackupError('Truncated', `the payload has ${body.length} of ${header.payloadBytes} bytes`);
  if (body.length > header.payloadBytes) throw new BackupError('Damaged', `${body.length - header.payloadBytes} bytes follow the end of the backup`);
  return { header, kdf, authenticated, mac: file.subarray(bodyStart - MAC_BYTES, bodyStart), body };
}

/** Decrypts a backup file; any failure is a BackupError with a code from BACKUP_ERROR_WORDS. */
export async function readBackupFile(file: Uint8Array, password: string): Promise<{ header: BackupHeader; payload: Uint8Array<ArrayBuffer> }> {
  const parsed = await readBackupHeader(file);
  checkPassword(password);
  const keys = await deriveFileKeys(password, parsed.kdf);
  const check = await hmac(keys.check, utf8Encode('kwbak1|check'));
  if (!bytesEqual(check, safeB64(parsed.header.check))) throw new BackupError('WrongPassword', 'the password check failed');
  if (!bytesEqual(await hmac(keys.header, parsed.authenticated), parsed.mac)) throw new BackupError('Damaged', 'the header MAC does not match');
  const { body, header } = parsed;
  const full = header.chunkSize + TAG;
  const chunks = Math.max(1, Math.ceil(body.length / full));
  const out: Uint8Array[] = [];
  for (let i = 0; i < chunks; i++) {
    const piece = body.subarray(i * full, (i + 1) * full);
    try {
      out.push(new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce(i, i === chunks - 1), additionalData: new Uint8Array(parsed.mac) }, keys.payload, new Uint8Array(piece))));
    } catch (cause) {
      throw new BackupError('Damaged', `chunk ${i} failed to authenticate`, { cause });
    }
  }
  return { header, payload: concatBytes(...out) };
}

function safeB64(text: string): Uint8Array {
  try {
    return fromBase64Url(text);
  } catch {
    return new Uint8Array(0);
  }
}

function parseHeader(json: string): BackupHeader {
  const h = parseJson(json) as Partial<BackupHeader> | null;
  const isInt = (n: unknown, min: number, max: number) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
  if (
    typeof h !== 'object' ||
    h === null ||
    typeof h.kdf !== 'object' ||
    h.kdf === null ||
    typeof h.kdf.salt !== 'string' ||
    typeof h.kdf.iterations !== 'number' ||
    h.cipher !== 'AES-256-GCM' ||
    h.chunkSize !== CHUNK_SIZE ||
    !isInt(h.payloadBytes, TAG, MAX_BACKUP_BYTES) ||
    typeof h.check !== 'string' ||
    typeof h.createdAt !== 'string' ||
    typeof h.appVersion !== 'string' ||
    typeof h.vaultId !== 'string' ||
    typeof h.counts !== 'object' ||
    h.counts === null
  ) {
    throw new TypeError('the header has an impossible shape');
  }
  return h as BackupHeader;
}
