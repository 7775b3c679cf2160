// Property-based fuzzing (fast-check) of the vault layer's parsers: backup files (random bytes, and valid files
// truncated, bit-flipped, overwritten, extended or with edited headers), the signed audit export verifier, and
// vault-level imports and restores. Every case either works as documented or fails with the module's own typed
// error; a refused restore or import leaves the IndexedDB dump byte for byte as it was. Sizes keep it to seconds.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdVault, dumpDb, PASSWORD, TEST_ITERATIONS } from '../../test/unit/helpers';
import { bytesEqual, concatBytes, utf8Decode, utf8Encode } from '../crypto';
import { verifyExport, verifyExportText } from './audit-export';
import { decodePayload, encodePayloadV1, type VaultPayload } from './backup';
import { decodeTree } from './payload-codec';
import { BackupError, readBackupFile, readBackupHeader, writeBackupFile, BACKUP_MAGIC } from './backup-file';
import { VaultError } from './errors';
import type { Session } from './session';
import type { Vault } from './vault';
import type { KeyAlgorithm } from '../crypto';

const BACKUP_PW = 'backup passphrase 42';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}

/** Resolves to the error `p` rejected with, or null. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

function headerLength(file: Uint8Array): number {
  return new DataView(file.buffer, file.byteOffset + 9, 4).getUint32(0);
}

/** The file with its header JSON edited and its length and (unkeyed) checksum fixed, as anyone can without the password. */
async function withHeader(file: Uint8Array, json: string): Promise<Uint8Array> {
  const length = headerLength(file);
  const header = utf8Encode(json);
  const prefix = file.slice(0, 13);
  new DataView(prefix.buffer).setUint32(9, header.length);
  const authenticated = concatBytes(prefix, header);
  const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', authenticated));
  return concatBytes(authenticated, sum, file.subarray(13 + length + 32));
}

/** Values a header field may be set to: any JSON, plus numbers near the bounds (iterations kept cheap). */
const fieldValue = fc.oneof(fc.jsonValue(), fc.integer({ min: -1, max: 200_000 }), fc.constantFrom(65536, 16, 0, 1e308, -0.5, '', 'AAAA'));
const HEADER_PATHS = [['kdf'], ['kdf', 'name'], ['kdf', 'iterations'], ['kdf', 'salt'], ['cipher'], ['chunkSize'], ['payloadBytes'], ['check'], ['createdAt'], ['appVersion'], ['vaultId'], ['counts'], ['auditHead'], ['extra']];

/** One way to damage a valid file; `file` is the original. */
function mutation(file: Uint8Array): fc.Arbitrary<Promise<Uint8Array>> {
  const at = fc.nat({ max: file.length - 1 });
  return fc.oneof(
    // truncation anywhere, including inside the magic, prefix, header, checksum, MAC and payload
    fc.nat({ max: file.length }).map(async (n) => file.slice(0, n)),
    // one bit flipped
    fc.tuple(at, fc.nat({ max: 7 })).map(async ([i, bit]) => {
      const f = file.slice();
      f[i]! ^= 1 << bit;
      return f;
    }),
    // a run of bytes overwritten
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(async ([i, bytes]) => {
      const f = file.slice();
      f.set(bytes.subarray(0, f.length - i), i);
      return f;
    }),
    // bytes appended
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map(async (tail) => concatBytes(file, tail)),
    // a header field set to another value (or removed), with length and checksum fixed up
    fc.tuple(fc.constantFrom(...HEADER_PATHS), fc.option(fieldValue, { nil: undefined })).map(async ([path, value]) => {
      const header = JSON.parse(utf8Decode(file.subarray(13, 13 + headerLength(file)))) as Record<string, unknown>;
      let target = header;
      for (const key of path.slice(0, -1)) target = (target[key] ?? {}) as Record<string, unknown>;
      if (value === undefined) delete target[path.at(-1)!];
      else target[path.at(-1)!] = value;
      return withHeader(file, JSON.stringify(header));
    }),
    // the header length field set to anything
    fc.nat().map(async (n) => {
      const f = file.slice();
      new DataView(f.buffer).setUint32(9, n);
      return f;
    }),
  );
}

describe('backup files', () => {
  let valid: Uint8Array;
  let small: Uint8Array;
  const payload = utf8Encode(JSON.stringify({ hello: 'x'.repeat(70_000) })); // two chunks
  const info = { createdAt: '2026-11-28T12:00:00.000Z', appVersion: '0.1.0', vaultId: 'v', counts: { keys: 1 }, auditHead: null };

  beforeAll(async () => {
    valid = await writeBackupFile(payload, BACKUP_PW, info, TEST_ITERATIONS);
    small = await writeBackupFile(utf8Encode('{"hello":"world"}'), BACKUP_PW, info, TEST_ITERATIONS);
  });

  it('random bytes, with or without the magic in front, are refused with a BackupError before any key derivation', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([...BACKUP_MAGIC, ...b])),
      fc.tuple(fc.nat({ max: 400 }), fc.uint8Array({ maxLength: 400 })).map(([n, b]) => {
        const f = new Uint8Array(13 + b.length);
        f.set(BACKUP_MAGIC);
        f[8] = 1;
        new DataView(f.buffer).setUint32(9, n);
        f.set(b, 13);
        return f;
      }),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (file) => {
        const e = await rejection(readBackupHeader(file));
        expect(e, String(e)).toBeInstanceOf(BackupError);
      }),
      { numRuns: 2000 },
    );
  });

  it('a damaged valid file: the header check refuses it with a BackupError, or passes it on', async () => {
    await fc.assert(
      fc.asyncProperty(mutation(small), async (damaged) => {
        const e = await rejection(readBackupHeader(await damaged));
        expect(e === null || e instanceof BackupError, String(e)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('a damaged valid file never decrypts: a BackupError, unless the bytes are unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(mutation(valid), async (damaged) => {
        const file = await damaged;
        const result = await readBackupFile(file, BACKUP_PW).then(
          (r) => r,
          (e: unknown) => e,
        );
        if (result instanceof Error) expect(result, String(result)).toBeInstanceOf(BackupError);
        else {
          expect(bytesEqual(file, valid), 'a changed file decrypted').toBe(true);
          expect((result as { payload: Uint8Array }).payload).toEqual(payload);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('the signed audit export verifier', () => {
  const text = readFileSync(new URL('../../test/fixtures/audit-export.json', import.meta.url), 'utf8');
  const original = JSON.parse(text) as Record<string, unknown>;

  /** Every path into the export (objects and arrays), to set one of them to something else. */
  function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (value === null || typeof value !== 'object') return [prefix];
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
  }
  const allPaths = paths(original).filter((p) => p.length > 0);

  it('any JSON, or any text, gives a result and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.string().map((s) => ({ format: 'keyward-audit-export', version: 1, entries: [s], head: s, signature: s, vaultId: s, exportedAt: s, signer: { publicKey: { kty: s } } }))), async (data) => {
        const r = await verifyExport(data);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 800 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.nat({ max: text.trimEnd().length - 1 }).map((n) => text.slice(0, n))), async (t) => {
        expect((await verifyExportText(t)).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('one field of a real export set to any value (or removed) is reported, never verified, never thrown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...allPaths), fc.option(fc.jsonValue(), { nil: undefined }), async (path, value) => {
        const x = structuredClone(original);
        let target = x as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
        const last = path.at(-1)!;
        const before = JSON.stringify(target[last]);
        if (value === undefined) delete target[last];
        else target[last] = value;
        const r = await verifyExport(x);
        // Unchanged (same value written back), or a change to a member the export does not sign: may verify.
        const unsigned = path[0] === 'signer' && path[1] === 'publicKey' && ['key_ops', 'ext'].includes(String(path[2]));
        if (JSON.stringify(target[last]) === before || unsigned) return;
        expect(r.ok, `${path.join('.')} = ${JSON.stringify(value)}`).toBe(false);
      }),
      { numRuns: 600 },
    );
  });
});

describe('vault-level restores and imports', () => {
  let vault: Vault;
  let session: Session;
  let dbName: string;
  let backup: Uint8Array;

  beforeAll(async () => {
    ({ vault, session, dbName } = await createdVault());
    await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: ['pay'], notes: '' });
    await session.keys.generate({ name: 'Signer', algorithm: { kind: 'ecdsa-p256' }, tags: [], notes: '' });
    backup = (await session.backup.export({ password: BACKUP_PW })).bytes;
  });
  afterAll(() => vault.close());

  it('a damaged backup is refused by restore with a BackupError, and the database is unchanged', async () => {
    const before = await dumpDb(dbName);
    await fc.assert(
      fc.asyncProperty(mutation(backup), async (damaged) => {
        const file = await damaged;
        if (bytesEqual(file, backup)) return;
        const e = await rejection(vault.restoreBackup(file, BACKUP_PW));
        expect(e, String(e)).toBeInstanceOf(BackupError);
        expect(await dumpDb(dbName)).toBe(before);
      }),
      { numRuns: 16 },
    );
  });

  it('a damaged backup is refused by a merge preview with a BackupError, and the database is unchanged', async () => {
    const before = await dumpDb(dbName);
    await fc.assert(
      fc.asyncProperty(mutation(backup), async (damaged) => {
        const file = await damaged;
        if (bytesEqual(file, backup)) return;
        const e = await rejection(vault.previewMerge(session, file, BACKUP_PW, PASSWORD));
        expect(e, String(e)).toBeInstanceOf(BackupError);
        expect(await dumpDb(dbName)).toBe(before);
      }),
      { numRuns: 6 },
    );
  });

  it('a backup whose payload has one field of one row changed or removed is restored, or refused as Damaged with nothing written', async () => {
    const { header, payload } = await readBackupFile(backup, BACKUP_PW);
    const { kdf: _k, cipher: _c, chunkSize: _s, payloadBytes: _p, check: _x, ...info } = header;
    // Fuzzes the version-1 (JSON) payload reader: the backup, written in version 2, is re-encoded as version 1.
    const original = JSON.parse(utf8Decode(encodePayloadV1(decodeTree(payload) as VaultPayload))) as { stores: Record<string, Record<string, unknown>[]> };
    const fields = Object.entries(original.stores).flatMap(([store, rows]) => rows.flatMap((row, i) => Object.keys(row).map((field) => ({ store, i, field }))));
    await fc.assert(
      // One case in 80 goes through a whole restore (two key derivations); the rest through the payload check.
      fc.asyncProperty(fc.constantFrom(...fields), fc.option(fc.oneof(fc.jsonValue(), fc.constant({ $b: 'AAAA' })), { nil: undefined }), fc.nat({ max: 79 }).map((n) => n === 0), async ({ store, i, field }, value, full) => {
        const edited = structuredClone(original);
        if (value === undefined) delete edited.stores[store]![i]![field];
        else edited.stores[store]![i]![field] = value;
        const json = utf8Encode(JSON.stringify(edited));
        // The payload check alone (no key derivation): a typed refusal or a payload.
        const checked = thrownBy(() => decodePayload(json));
        expect(checked === null || checked instanceof TypeError, String(checked)).toBe(true);
        if (!full) return;
        const file = await writeBackupFile(json, BACKUP_PW, info, TEST_ITERATIONS, 1);
        const before = await dumpDb(dbName);
        const e = await rejection(vault.restoreBackup(file, BACKUP_PW));
        if (e === null) return;
        expect(e, `${store}[${i}].${field} = ${JSON.stringify(value)}: ${String(e)}`).toBeInstanceOf(BackupError);
        expect((e as BackupError).code).toBe('Damaged');
        expect(await dumpDb(dbName)).toBe(before);
      }),
      { numRuns: 320 },
    );
  });

  // The two tests below write through a session: they get a vault of their own, because a restore above may have
  // replaced this one (a field-edited backup can restore), and a replaced vault locks the sessions opened before it.
  it('createKey with any name, value, tags and notes saves the key or refuses it as InvalidInput, writing nothing', async () => {
    const { vault, session, dbName } = await createdVault();
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('', ' ', '<script>alert(1)</script>', '\ud800', 'x'.repeat(201), 'é'.repeat(200)));
    await fc.assert(
      fc.asyncProperty(text, text, fc.array(text, { maxLength: 25 }), text, fc.constantFrom('text', 'hex', 'base64', 'base64url', 'rot13'), async (name, value, tags, notes, format) => {
        const before = await dumpDb(dbName);
        const saved = await session.keys.create({ name, value, tags, notes, format: format as 'text' }).then(
          (k) => k,
          (e: unknown) => e,
        );
        if (saved instanceof Error) {
          expect(saved, String(saved)).toBeInstanceOf(VaultError);
          expect((saved as VaultError).code).toBe('InvalidInput');
          expect(await dumpDb(dbName)).toBe(before);
        } else {
          expect(await session.keys.reveal((saved as { id: never }).id)).toBe(value);
        }
      }),
      { numRuns: 150 },
    );
    vault.close();
  });

  it('importKey with any text is imported or refused as InvalidInput (material), writing nothing', async () => {
    const { vault, session, dbName } = await createdVault();
    const algs: KeyAlgorithm[] = [{ kind: 'aes-gcm', length: 256 }, { kind: 'hmac', hash: 'SHA-256' }, { kind: 'ecdsa-p256' }, { kind: 'ed25519' }];
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.json(), fc.uint8Array({ minLength: 16, maxLength: 40 }).map((b) => Buffer.from(b).toString('hex')), fc.string().map((s) => `-----BEGIN PUBLIC KEY-----\n${s}\n-----END PUBLIC KEY-----`));
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom(...algs), async (t, algorithm) => {
        const before = await dumpDb(dbName);
        const e = await rejection(session.keys.import({ name: 'imported', tags: [], notes: '', algorithm, text: t }));
        if (e !== null) {
          expect(e, String(e)).toBeInstanceOf(VaultError);
          expect(['InvalidInput', 'Unsupported']).toContain((e as VaultError).code);
          expect(await dumpDb(dbName)).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
    vault.close();
  });
});

