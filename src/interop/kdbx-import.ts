// Owns reading a KeePass database (KDBX 3.1 and 4: AES-256 or ChaCha20, AES-KDF, Argon2d or Argon2id) with its
// password, through kdbxweb, into the same walker as a KeePass XML export.
import { checkHeader, kdbx, keepassFailure, keepassSignature, toArrayBuffer } from './kdbx-engine';
import { walkKeepass } from './keepass-walk';
import { InteropError, type ImportResult } from './model';
import type { Kdbx } from 'kdbxweb';

/** A KeePass database by its signature (a KeePass 1 .kdb counts too, so parseKdbx can say it is not supported). */
export function isKdbx(bytes: Uint8Array): boolean {
  return bytes instanceof Uint8Array && keepassSignature(bytes) !== null;
}

async function open(buffer: ArrayBuffer, password: string | null): Promise<Kdbx> {
  const lib = kdbx();
  return lib.Kdbx.load(buffer, new lib.KdbxCredentials(password === null ? null : lib.ProtectedValue.fromString(password)));
}

function isWrongKey(error: unknown): boolean {
  return error instanceof InteropError ? false : keepassFailure(error, 'database').code === 'WrongPassword';
}

/**
 * Reads a KDBX database with its password; throws InteropError only. An empty password tries a database with no
 * password at all (KeePassXC's) and then one whose password is the empty string (KeePass 2's); if neither opens it,
 * the database needs a password (PasswordNeeded). Key files and hardware keys are not supported.
 */
export async function parseKdbx(bytes: Uint8Array, password: string): Promise<ImportResult> {
  if (!isKdbx(bytes)) throw new InteropError('Damaged', 'This file is not a KeePass database.');
  if (keepassSignature(bytes) !== kdbx().Consts.Signatures.Sig2Kdbx) {
    throw new InteropError('Unsupported', 'This is a KeePass 1 database (.kdb), which Keyward cannot read. Open it in KeePassXC or KeePass 2 and save it as a KDBX database.');
  }
  if (typeof password !== 'string') throw new InteropError('PasswordNeeded', 'This KeePass database needs its password.');
  const buffer = toArrayBuffer(bytes);
  let db: Kdbx;
  try {
    await checkHeader(buffer);
    if (password !== '') {
      db = await open(buffer, password);
    } else {
      try {
        db = await open(buffer, null);
      } catch (error) {
        if (!isWrongKey(error)) throw error;
        db = await open(buffer, '');
      }
    }
  } catch (error) {
    if (password === '' && isWrongKey(error)) throw new InteropError('PasswordNeeded', 'This KeePass database needs its password.');
    throw keepassFailure(error, 'database');
  }
  try {
    return { format: 'kdbx', ...walkKeepass(db) };
  } catch (error) {
    throw keepassFailure(error, 'database');
  }
}
