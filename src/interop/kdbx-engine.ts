// Owns kdbxweb's set-up: its Argon2 implementation (hash-wasm, the same in the browser and in Node), the bounds a
// file's KDF parameters must keep (so a hostile KDBX cannot ask for gigabytes or hours), and turning kdbxweb's
// errors into InteropErrors whose messages hold nothing from the file.
import * as kdbxwebNamespace from 'kdbxweb';
import { argon2d, argon2id } from 'hash-wasm';
import { InteropError } from './model';

/**
 * kdbxweb ships one webpack UMD bundle: Node's CommonJS interop finds only some of its names (no Kdbx, no KdbxError),
 * so the whole module is its `default`; a bundler may give the names directly. Either way this is the full library.
 */
const kdbxweb = ((kdbxwebNamespace as unknown as { default?: typeof kdbxwebNamespace }).default ?? kdbxwebNamespace) as typeof kdbxwebNamespace;

/** Argon2 bounds (KiB, passes, lanes): KeePassXC's defaults are 64 MiB, 10 passes, 2 lanes; its maximum memory is 1 GiB. */
export const ARGON2_LIMITS = { maxMemoryKiB: 1024 * 1024, maxIterations: 1000, maxParallelism: 64 } as const;

/**
 * AES-KDF bound: KeePass 2 defaults to 60,000 rounds (KDBX 3.1) and KeePassXC's "1 second" benchmark gives a few
 * million; 100 million rounds take about 8 s in Node on this machine (kdbxweb does 10,000 rounds per WebCrypto call).
 */
export const AES_KDF_MAX_ROUNDS = 100_000_000;

const KDF_REFUSED = 'This KeePass database asks for key derivation settings outside what Keyward accepts (at most 1 GiB of memory, 1,000 Argon2 passes or 100 million AES rounds).';

let installed = false;

/**
 * What kdbxweb's XML reader gets first, for every KeePass XML (an export, or the XML inside a KDBX file):
 * - it deletes every control character before parsing, TAB included, so a tab in a note or in any string KeePass does
 *   not encrypt (all of a KeePass XML export) would vanish; a tab written as the character reference &#9; survives
 *   that and parses to a tab. Only text between a '>' and the next '<' is touched, never the inside of a tag (a CDATA
 *   section would be, and would keep '&#9;' literally, but neither KeePass nor KeePassXC writes CDATA).
 * - XML's end-of-line rule (CRLF and a lone CR read as LF), which a browser's DOMParser applies and Node's xmldom
 *   does not, so a note reads the same in both; a CR written as &#13; stays a CR in both.
 */
export function conformXml(xml: string): string {
  const lines = xml.includes('\r') ? xml.replace(/\r\n?/g, '\n') : xml;
  return lines.includes('\t') ? lines.replace(/>[^<]*</g, (text) => text.replace(/\t/g, '&#9;')) : lines;
}

/** kdbxweb with Argon2 installed; call it before loading or saving a KDBX 4 database. */
export function kdbx(): typeof kdbxweb {
  if (!installed) {
    kdbxweb.CryptoEngine.setArgon2Impl(async (password, salt, memory, iterations, length, parallelism, type, version) => {
      if (version !== 0x13) throw new InteropError('Unsupported', 'This KeePass database uses Argon2 version 1.0, which Keyward cannot open. Save it again in KeePassXC or KeePass 2.');
      if (memory > ARGON2_LIMITS.maxMemoryKiB || iterations > ARGON2_LIMITS.maxIterations || parallelism > ARGON2_LIMITS.maxParallelism || memory < 8 * parallelism || iterations < 1 || parallelism < 1) {
        throw new InteropError('Unsupported', KDF_REFUSED);
      }
      const hash = type === kdbxweb.CryptoEngine.Argon2TypeArgon2id ? argon2id : argon2d;
      const out = await hash({ password: new Uint8Array(password), salt: new Uint8Array(salt), memorySize: memory, iterations, parallelism, hashLength: length, outputType: 'binary' });
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
    });
    const parse = kdbxweb.XmlUtils.parse;
    (kdbxweb.XmlUtils as { parse: typeof parse }).parse = (xml: string) => parse(typeof xml === 'string' ? conformXml(xml) : xml);
    installed = true;
  }
  return kdbxweb;
}

/** A copy of the bytes as the exact ArrayBuffer kdbxweb wants (a Uint8Array may view a larger buffer). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function kdfNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value instanceof kdbxweb.Int64) return value.value;
  return undefined;
}

const UNSUPPORTED_CIPHER = 'This KeePass database uses a cipher Keyward cannot read (it reads AES-256 and ChaCha20; Twofish is not supported). Change the encryption in KeePassXC or KeePass 2 and save it again.';
const UNSUPPORTED_KDF = 'This KeePass database uses a key derivation Keyward cannot read (it reads AES-KDF, Argon2d and Argon2id).';

const DAMAGED_HEADER = 'This KeePass database is cut short or damaged and cannot be read.';

/** KDBX 4 follows its header with the header's SHA-256: a damaged header is Damaged, not an unknown cipher or KDF. */
async function checkHeaderHash(buffer: ArrayBuffer, end: number): Promise<void> {
  if (buffer.byteLength < end + 32) throw new InteropError('Damaged', DAMAGED_HEADER);
  const hash = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', buffer.slice(0, end)));
  const stored = new Uint8Array(buffer, end, 32);
  if (hash.some((byte, i) => byte !== stored[i])) throw new InteropError('Damaged', DAMAGED_HEADER);
}

/**
 * Reads the outer header alone and refuses, before any key derivation starts, what kdbxweb would only find out later
 * or never: a KDBX 4 header that does not match its hash, KDF settings beyond the bounds (KDBX 3.1 has no header check
 * before the KDF, so a damaged or hostile rounds count would otherwise run for hours), a cipher or KDF it cannot read,
 * and a KDBX 3.1 AES payload that is not whole blocks (a cut file, which AES-CBC would otherwise report as a wrong
 * key). Throws kdbxweb's own errors for a header it cannot read (the caller maps them).
 */
export async function checkHeader(buffer: ArrayBuffer): Promise<void> {
  const lib = kdbx();
  const header = lib.KdbxHeader.read(new lib.BinaryStream(buffer), new lib.KdbxContext({ kdbx: new lib.Kdbx() }));
  if (header.versionMajor >= 4) await checkHeaderHash(buffer, header.endPos ?? 0);
  const cipher = header.dataCipherUuid?.toString();
  if (cipher !== lib.Consts.CipherId.Aes && cipher !== lib.Consts.CipherId.ChaCha20) throw new InteropError('Unsupported', UNSUPPORTED_CIPHER);
  if (header.versionMajor < 4) {
    const rounds = header.keyEncryptionRounds ?? 0;
    if (rounds > AES_KDF_MAX_ROUNDS) throw new InteropError('Unsupported', KDF_REFUSED);
    const payload = buffer.byteLength - (header.endPos ?? 0);
    if (cipher === lib.Consts.CipherId.Aes && (payload <= 0 || payload % 16 !== 0)) throw new InteropError('Damaged', DAMAGED_HEADER);
    return;
  }
  const params = header.kdfParameters;
  if (!params) return;
  const uuid = params.get('$UUID');
  const id = uuid instanceof ArrayBuffer ? lib.ByteUtils.bytesToBase64(uuid) : '';
  if (id === lib.Consts.KdfId.Aes) {
    if ((kdfNumber(params.get('R')) ?? 0) > AES_KDF_MAX_ROUNDS) throw new InteropError('Unsupported', KDF_REFUSED);
  } else if (id === lib.Consts.KdfId.Argon2d || id === lib.Consts.KdfId.Argon2id) {
    const memoryKiB = (kdfNumber(params.get('M')) ?? 0) / 1024;
    const passes = kdfNumber(params.get('I')) ?? 0;
    const lanes = kdfNumber(params.get('P')) ?? 0;
    if (memoryKiB > ARGON2_LIMITS.maxMemoryKiB || passes > ARGON2_LIMITS.maxIterations || lanes > ARGON2_LIMITS.maxParallelism) throw new InteropError('Unsupported', KDF_REFUSED);
  } else {
    throw new InteropError('Unsupported', UNSUPPORTED_KDF);
  }
}

/** KeePass 1.x (.kdb) and pre-release KDBX signatures: a KeePass file, but not one Keyward reads. */
const KDB1_SIGNATURE = 0xb54bfb65;
const KDBX_PRERELEASE_SIGNATURE = 0xb54bfb66;

/** The second signature word of a file starting with KeePass's magic number, or null. */
export function keepassSignature(bytes: Uint8Array): number | null {
  if (bytes.byteLength < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  if (view.getUint32(0, true) !== kdbxweb.Consts.Signatures.FileMagic) return null;
  const sig2 = view.getUint32(4, true);
  return sig2 === kdbxweb.Consts.Signatures.Sig2Kdbx || sig2 === KDB1_SIGNATURE || sig2 === KDBX_PRERELEASE_SIGNATURE ? sig2 : null;
}

/**
 * Any failure while reading a KeePass database or XML export, as an InteropError. kdbxweb's messages can quote the
 * file (a bad XML line, a header field), so they never pass through; our own InteropErrors (the KDF bounds) do.
 */
export function keepassFailure(error: unknown, what: 'database' | 'XML export'): InteropError {
  if (error instanceof InteropError) return error;
  const code = error instanceof kdbxweb.KdbxError ? error.code : '';
  switch (code) {
    case kdbxweb.Consts.ErrorCodes.InvalidKey:
      return new InteropError('WrongPassword', 'The password does not open this KeePass database. (A database that also needs a key file or a hardware key cannot be opened in Keyward.)');
    case kdbxweb.Consts.ErrorCodes.BadSignature:
      return new InteropError('Damaged', 'This file is not a KeePass database.');
    case kdbxweb.Consts.ErrorCodes.InvalidVersion:
      return new InteropError('Unsupported', 'This KeePass database is of a version Keyward cannot read (it reads KDBX 3.1 and 4). Save it again in KeePassXC or KeePass 2.');
    case kdbxweb.Consts.ErrorCodes.Unsupported:
      return new InteropError('Unsupported', 'This KeePass database uses a cipher, compression or key derivation Keyward cannot read (it reads AES-256 or ChaCha20 with AES-KDF or Argon2). Save it again in KeePassXC or KeePass 2 with those settings.');
    default:
      return new InteropError('Damaged', what === 'database' ? 'This KeePass database is damaged and cannot be read.' : 'This KeePass XML export is damaged and cannot be read.');
  }
}
