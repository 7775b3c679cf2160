// Tests the KDBX import on the project's own fixtures (scripts/make-keepass-fixtures.ts: kdbxweb's KDBX 3.1 and 4 in
// every cipher/KDF pair, and a database keepassxc-cli wrote), and its table of bad inputs: each refused with the
// right InteropError, never kdbxweb's own error or message, and KDF settings beyond the bounds refused at once.
import { describe, expect, it } from 'vitest';
import { ARGON2_LIMITS, AES_KDF_MAX_ROUNDS, conformXml, kdbx } from './kdbx-engine';
import { isKdbx, parseKdbx } from './kdbx-import';
import { InteropError, type InteropErrorCode } from './model';
import { FIXTURE_ENTRIES, FIXTURE_PASSWORD, KDBX_FIXTURES, fixture, headerField, sortedFields, withHeaderHash, withV3Rounds, withV4KdfParam } from './keepass.test-helper';

/** Values that live only in the Recycle Bin or in <History>: none may come out. */
const NEVER = ['first-aws-pass', 'second-aws-pass', 'deleted-pass', 'nested-deleted-pass', 'deleted-key', 'deleted-nested'];

async function refusal(bytes: Uint8Array, password: string): Promise<InteropError> {
  try {
    await parseKdbx(bytes, password);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(InteropError);
    return error as InteropError;
  }
  throw new Error('parseKdbx accepted the input');
}

function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] = out[at]! ^ 0x5a;
  return out;
}

function withSignature(bytes: Uint8Array, sig2: number, major?: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  view.setUint32(4, sig2, true);
  if (major !== undefined) view.setUint16(10, major, true);
  return out;
}

describe('isKdbx', () => {
  it('knows a KeePass database by its signature, and nothing else', () => {
    for (const { file } of KDBX_FIXTURES) expect(isKdbx(fixture(file)), file).toBe(true);
    expect(isKdbx(fixture('keepass2-export.xml'))).toBe(false);
    expect(isKdbx(new Uint8Array())).toBe(false);
    expect(isKdbx(fixture('keepass-kdbx3-aes.kdbx').subarray(0, 7))).toBe(false);
    expect(isKdbx(new TextEncoder().encode('{"encrypted": false}'))).toBe(false);
  });
});

describe('parseKdbx on the fixtures', () => {
  for (const { file, what } of KDBX_FIXTURES) {
    it(`${what}: every live entry, with group paths, custom fields and TOTP; no Recycle Bin, no history`, async () => {
      const result = await parseKdbx(fixture(file), FIXTURE_PASSWORD);
      expect(result.format).toBe('kdbx');
      expect(result.skipped).toEqual([]);
      // kdbxweb keeps a string's order; KeePassXC writes attributes in its own order, so fields compare sorted.
      if (file.startsWith('keepassxc')) expect(sortedFields(result.entries)).toEqual(sortedFields(FIXTURE_ENTRIES));
      else expect(result.entries).toEqual(FIXTURE_ENTRIES);
      const all = JSON.stringify(result);
      for (const value of NEVER) expect(all).not.toContain(value);
    });
  }

  it('a database with no password opens with an empty password, and refuses a password it does not have', async () => {
    const bytes = fixture('keepass-kdbx4-nopassword.kdbx');
    expect((await parseKdbx(bytes, '')).entries).toEqual(FIXTURE_ENTRIES);
    expect((await refusal(bytes, 'anything')).code).toBe('WrongPassword');
  });

  it('a database whose password is the empty string (KeePass 2 allows it) opens with an empty password', async () => {
    const lib = kdbx();
    const db = lib.Kdbx.create(new lib.KdbxCredentials(lib.ProtectedValue.fromString('')), 'empty');
    db.setKdf(lib.Consts.KdfId.Aes);
    db.header.kdfParameters!.set('R', lib.VarDictionary.ValueType.UInt64, new lib.Int64(100));
    const entry = db.createEntry(db.getDefaultGroup());
    entry.fields.set('Title', 'only');
    entry.fields.set('Password', lib.ProtectedValue.fromString('v'));
    const result = await parseKdbx(new Uint8Array(await db.save()), '');
    expect(result.entries.map((e) => [e.name, e.value])).toEqual([['only', 'v']]);
  });
});

describe('the XML inside a KDBX file', () => {
  it('keeps tabs in clear strings and reads CRLF as LF, as KeePass and a browser do', async () => {
    const lib = kdbx();
    const db = lib.Kdbx.create(new lib.KdbxCredentials(lib.ProtectedValue.fromString('p')), 'tabs');
    db.setKdf(lib.Consts.KdfId.Aes);
    db.header.kdfParameters!.set('R', lib.VarDictionary.ValueType.UInt64, new lib.Int64(100));
    const entry = db.createEntry(db.getDefaultGroup());
    entry.fields.set('Title', 'tabbed\ttitle');
    entry.fields.set('Notes', 'col1\tcol2\r\nnext\rlast');
    entry.fields.set('Clear', '\tlead');
    entry.fields.set('Password', lib.ProtectedValue.fromString('pw\twith\r\ntab'));
    const [got] = (await parseKdbx(new Uint8Array(await db.save()), 'p')).entries;
    // The protected password is stored encrypted (base64), so it is kept byte for byte, CR included.
    expect(got).toMatchObject({ name: 'tabbed\ttitle', notes: 'col1\tcol2\nnext\nlast', value: 'pw\twith\r\ntab', fields: [{ name: 'Clear', value: '\tlead', hidden: false }] });
  });

  it('conformXml touches text only: never a tag, an attribute, or a character reference', () => {
    expect(conformXml('<a x="1\t2"\t>\t<b>p\tq\r\nr\rs&#13;</b>\r\n</a>')).toBe('<a x="1\t2"\t>&#9;<b>p&#9;q\nr\ns&#13;</b>\n</a>');
  });
});

describe('parseKdbx refuses bad input with its own error', () => {
  const v3 = fixture('keepass-kdbx3-aes.kdbx');
  const v4 = fixture('keepass-kdbx4-chacha20-argon2d.kdbx');
  const v4aesKdf = fixture('keepass-kdbx4-aeskdf.kdbx');
  const twofish = new Uint8Array([0xad, 0x68, 0xf2, 0x9f, 0x57, 0x6f, 0x4b, 0xb9, 0xa3, 0x6a, 0xd4, 0x7a, 0xf9, 0x65, 0x34, 0x6c]);
  const withKdfUuid = (bytes: Uint8Array, xor: number) => {
    const out = bytes.slice();
    const at = headerField(out, 11) + 2 + 1 + 4 + 5 + 4; // VarDictionary version, type, key length, "$UUID", value length
    out[at] = out[at]! ^ xor;
    return withHeaderHash(out);
  };
  const withCipher = (bytes: Uint8Array, uuid: Uint8Array) => {
    const out = bytes.slice();
    out.set(uuid, headerField(out, 2));
    return withHeaderHash(out);
  };

  const table: { what: string; bytes: () => Uint8Array; password?: string; code: InteropErrorCode }[] = [
    { what: 'wrong password, KDBX 3.1', bytes: () => v3, password: 'wrong', code: 'WrongPassword' },
    { what: 'wrong password, KDBX 4', bytes: () => v4, password: 'wrong', code: 'WrongPassword' },
    { what: 'password differing only by case', bytes: () => v4, password: FIXTURE_PASSWORD.toUpperCase(), code: 'WrongPassword' },
    // Nothing in a KDBX file says a key file is needed: with the right password alone it reads as a wrong key, and
    // the message says that a database that also needs a key file cannot be opened.
    { what: 'the right password for a database that also needs a key file (keepassxc-cli)', bytes: () => fixture('keepassxc-keyfile.kdbx'), code: 'WrongPassword' },
    { what: 'no password for a database that has one', bytes: () => v4, password: '', code: 'PasswordNeeded' },
    { what: 'truncated to half, KDBX 3.1', bytes: () => v3.subarray(0, v3.length >> 1), code: 'Damaged' },
    { what: 'truncated by 5 bytes, KDBX 3.1', bytes: () => v3.subarray(0, v3.length - 5), code: 'Damaged' },
    { what: 'truncated to its header, KDBX 3.1', bytes: () => v3.subarray(0, headerField(v3, 0)), code: 'Damaged' },
    { what: 'an unknown KDF', bytes: () => withKdfUuid(v4, 0x01), code: 'Unsupported' },
    { what: 'truncated to half, KDBX 4', bytes: () => v4.subarray(0, v4.length >> 1), code: 'Damaged' },
    { what: 'truncated inside the header', bytes: () => v4.subarray(0, 40), code: 'Damaged' },
    { what: 'signature only', bytes: () => v4.subarray(0, 8), code: 'Damaged' },
    { what: 'last byte missing, KDBX 4', bytes: () => v4.subarray(0, v4.length - 1), code: 'Damaged' },
    { what: 'flipped byte in the header (encryption IV), KDBX 4: the header hash catches it', bytes: () => flipped(v4, headerField(v4, 7) + 3), code: 'Damaged' },
    { what: 'flipped byte in the header hash, KDBX 4', bytes: () => flipped(v4, headerField(v4, 0) + 3), code: 'Damaged' },
    // KDBX 3.1 has no header check before the key: a changed master seed is a different key, as a wrong password is.
    { what: 'flipped byte in the master seed, KDBX 3.1 (indistinguishable from a wrong password)', bytes: () => flipped(v3, headerField(v3, 4) + 5), code: 'WrongPassword' },
    { what: 'flipped byte in the payload, KDBX 3.1', bytes: () => flipped(v3, v3.length - 200), code: 'Damaged' },
    { what: 'flipped byte in the payload, KDBX 4 (HMAC block)', bytes: () => flipped(v4, v4.length - 200), code: 'Damaged' },
    { what: 'not a KeePass database (XML text)', bytes: () => fixture('keepass2-export.xml'), code: 'Damaged' },
    { what: 'random bytes', bytes: () => new Uint8Array(256).map((_, i) => (i * 37 + 11) & 0xff), code: 'Damaged' },
    { what: 'a KeePass 1 database (.kdb signature)', bytes: () => withSignature(v3, 0xb54bfb65), code: 'Unsupported' },
    { what: 'KDBX major version 5', bytes: () => withSignature(v4, 0xb54bfb67, 5), code: 'Unsupported' },
    { what: 'KDBX major version 2', bytes: () => withSignature(v3, 0xb54bfb67, 2), code: 'Unsupported' },
    { what: 'a cipher Keyward cannot read (Twofish)', bytes: () => withCipher(v4, twofish), code: 'Unsupported' },
    { what: 'AES-KDF rounds over the bound, KDBX 3.1', bytes: () => withV3Rounds(v3, BigInt(AES_KDF_MAX_ROUNDS) + 1n), code: 'Unsupported' },
    { what: 'AES-KDF rounds of 2^62, KDBX 3.1', bytes: () => withV3Rounds(v3, 2n ** 62n), code: 'Unsupported' },
    { what: 'AES-KDF rounds over the bound, KDBX 4', bytes: () => withV4KdfParam(v4aesKdf, 'R', 2n ** 40n), code: 'Unsupported' },
    { what: 'Argon2 memory of 2 GiB', bytes: () => withV4KdfParam(v4, 'M', 2n * 1024n ** 3n), code: 'Unsupported' },
    // A number past 2^53 is one kdbxweb cannot hold: the header itself is unreadable.
    { what: 'Argon2 memory of 2^60 bytes', bytes: () => withV4KdfParam(v4, 'M', 2n ** 60n), code: 'Damaged' },
    { what: 'Argon2 passes over the bound', bytes: () => withV4KdfParam(v4, 'I', BigInt(ARGON2_LIMITS.maxIterations) + 1n), code: 'Unsupported' },
    { what: 'Argon2 memory over the bound in a header that no longer matches its hash', bytes: () => withV4KdfParam(v4, 'M', 2n * 1024n ** 3n, false), code: 'Damaged' },
    { what: 'a cipher id damaged in a header that no longer matches its hash', bytes: () => flipped(v4, headerField(v4, 2) + 4), code: 'Damaged' },
    { what: 'Argon2 lanes over the bound', bytes: () => withV4KdfParam(v4, 'P', BigInt(ARGON2_LIMITS.maxParallelism) + 1n), code: 'Unsupported' },
  ];

  for (const { what, bytes, password, code } of table) {
    it(`${what} -> ${code}`, async () => {
      const started = Date.now();
      const error = await refusal(bytes(), password ?? FIXTURE_PASSWORD);
      expect(error.code, error.message).toBe(code);
      // Plain words only: nothing of kdbxweb's wording, nothing from the file or the password.
      expect(error.message).not.toMatch(/kdbx error|bad xml|header hash|InvalidKey|FileCorrupt|undefined/i);
      expect(error.message).not.toContain(FIXTURE_PASSWORD);
      if (code === 'WrongPassword') expect(error.message).toMatch(/key file/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  }

  it('the bounds check of the Argon2 implementation itself refuses what a header could still ask for', async () => {
    const { CryptoEngine } = kdbx();
    const args = (memoryKiB: number, passes: number, lanes: number, version: 0x10 | 0x13 = 0x13) =>
      CryptoEngine.argon2(new ArrayBuffer(32), new ArrayBuffer(32), memoryKiB, passes, 32, lanes, CryptoEngine.Argon2TypeArgon2id, version);
    for (const call of [() => args(ARGON2_LIMITS.maxMemoryKiB * 2, 1, 1), () => args(64, 5000, 1), () => args(1024, 1, 200), () => args(8, 1, 4), () => args(64, 1, 1, 0x10)]) {
      const error = await call().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InteropError);
      expect((error as InteropError).code).toBe('Unsupported');
    }
    expect(new Uint8Array(await args(64, 1, 1)).length).toBe(32);
  });

  it('a non-string password is PasswordNeeded, not a crash', async () => {
    expect((await refusal(v4, undefined as unknown as string)).code).toBe('PasswordNeeded');
  });
});
