import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock, newVault, PASSWORD, TEST_ITERATIONS } from '../../test/unit/helpers';
import { DB, openKeywardDb } from '../storage';
import { BackupError, MAX_BACKUP_BYTES, openVault, type KeyInput } from './index';
import { readBackupFile, writeBackupFile, BACKUP_VERSION, CHUNK_SIZE } from './backup-file';
import { encodePayloadV1, makeBackupFile, readVaultPayload, type VaultPayload } from './backup';
import { decodeTree, encodeTree } from './payload-codec';

const BACKUP_PW = 'backup passphrase 42';
const pasted = (over: Partial<KeyInput> = {}): KeyInput => ({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: ['pay'], notes: 'n', ...over });

async function filled() {
  const clock = new FakeClock();
  const { vault, dbName } = await newVault(clock);
  const session = await vault.create({ ownerName: 'Ada', password: PASSWORD, iterations: TEST_ITERATIONS });
  const a = await session.keys.create(pasted());
  const b = await session.keys.create({ ...pasted({ name: 'Webhook', value: 'ab'.repeat(32), format: 'hex' }), recipe: { bytes: 32, format: 'hex' } });
  await session.lifecycle.rotate(b.id);
  await session.lifecycle.rotate(b.id);
  const c = await session.keys.generate({ name: 'Signer', algorithm: { kind: 'ed25519' }, tags: [], notes: '' });
  return { clock, vault, dbName, session, ids: { a: a.id, b: b.id, c: c.id } };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(BackupError);
  return (e as BackupError).code;
}

async function dumpAll(dbName: string): Promise<string> {
  const db = await openKeywardDb({ name: dbName });
  const out: unknown[] = [];
  for (const s of Object.values(DB.stores)) out.push(await db.getAll(s));
  db.close();
  return JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

afterEach(() => vi.restoreAllMocks());

describe('export, check and restore', () => {
  it('round-trips a whole vault into a browser that has none', async () => {
    const { session, ids } = await filled();
    const { filename, bytes } = await session.backup.export({ password: BACKUP_PW });
    expect(filename).toMatch(/^keyward-backup-\d{8}-\d{6}\.kwbak$/);
    const values = [await session.keys.reveal(ids.a), await session.keys.reveal(ids.b), await session.keys.reveal(ids.b, 1)];

    const { vault: fresh } = await newVault();
    const preview = await fresh.inspectBackup(bytes, BACKUP_PW);
    expect(preview).toMatchObject({ counts: { users: 1, keys: 3, versions: 5 }, sameVault: null, olderThanVault: null });
    expect(await fresh.exists()).toBe(false); // checking touched nothing
    await fresh.restoreBackup(bytes, BACKUP_PW);
    const s = await fresh.unlock({ password: PASSWORD });
    expect([await s.keys.reveal(ids.a), await s.keys.reveal(ids.b), await s.keys.reveal(ids.b, 1)]).toEqual(values);
    expect((await s.keys.get(ids.c)).algorithm).toEqual({ kind: 'ed25519' });
    expect(await s.audit.verify()).toMatchObject({ ok: true });
    const report = await s.audit.report({ actions: ['backup.export', 'backup.restore'] });
    expect(report.page.map((e) => e.action)).toEqual(['backup.restore', 'backup.export']);
  });

  it('says whether a backup is older than the vault here', async () => {
    const { session, vault, ids } = await filled();
    const { bytes } = await session.backup.export({ password: BACKUP_PW });
    expect(await vault.inspectBackup(bytes, BACKUP_PW, session)).toMatchObject({ sameVault: true, olderThanVault: false });
    await expect(vault.inspectBackup(bytes, 'wrong password', session)).rejects.toBeInstanceOf(BackupError);
    const checks = await session.audit.report({ actions: ['backup.verify'] });
    expect(checks.page.map((e) => [e.outcome, e.details.error ?? null])).toEqual([
      ['failed', 'WrongPassword'],
      ['ok', null],
    ]);
    await session.lifecycle.rotate(ids.b);
    expect(await vault.inspectBackup(bytes, BACKUP_PW)).toMatchObject({ sameVault: true, olderThanVault: true });
  });

  it('can use the vault password, which must then open the vault', async () => {
    const { session, vault } = await filled();
    await expect(session.backup.export({ password: 'not the vault password', useVaultPassword: true })).rejects.toMatchObject({ code: 'WrongPassword' });
    await expect(session.backup.export({ password: 'short' })).rejects.toMatchObject({ code: 'PasswordTooShort' });
    const { bytes } = await session.backup.export({ password: PASSWORD, useVaultPassword: true });
    expect((await vault.inspectBackup(bytes, PASSWORD)).counts.keys).toBe(3);
  });

  it('replace swaps everything for the backup, in one go', async () => {
    const { session, dbName } = await filled();
    const { bytes } = await session.backup.export({ password: BACKUP_PW });
    const other = await newVault();
    const os = await other.vault.create({ ownerName: 'Eve', password: 'another vault password', iterations: TEST_ITERATIONS });
    await os.keys.create(pasted({ name: 'Eve key' }));
    await os.lock();
    await other.vault.restoreBackup(bytes, BACKUP_PW);
    await expect(other.vault.unlock({ password: 'another vault password' })).rejects.toMatchObject({ code: 'WrongPassword' });
    const s = await other.vault.unlock({ password: PASSWORD });
    expect((await s.keys.list()).map((k) => k.name).sort()).toEqual(['Signer', 'Stripe', 'Webhook']);
    expect((await other.vault.users()).map((u) => u.name)).toEqual(['Ada']);
    void dbName;
  });

  it('a failure in the middle of a restore leaves the vault exactly as it was', async () => {
    const { session } = await filled();
    const { bytes } = await session.backup.export({ password: BACKUP_PW });
    const other = await newVault();
    const os = await other.vault.create({ ownerName: 'Eve', password: 'another vault password', iterations: TEST_ITERATIONS });
    await os.keys.create(pasted({ name: 'Eve key' }));
    const before = await dumpAll(other.dbName);
    const proto = globalThis.IDBObjectStore.prototype;
    const realPut = proto.put;
    let n = 0;
    vi.spyOn(proto, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (++n === 6) throw new DOMException('injected: disk full', 'QuotaExceededError');
      return realPut.apply(this, args);
    });
    await expect(other.vault.restoreBackup(bytes, BACKUP_PW)).rejects.toMatchObject({ code: 'StorageFull' });
    vi.restoreAllMocks();
    expect(await dumpAll(other.dbName)).toBe(before);
    expect((await os.keys.list()).map((k) => k.name)).toEqual(['Eve key']);
  });
});

describe('damaged files are each refused with their own error, changing nothing', () => {
  async function sample() {
    const { session, vault, dbName } = await filled();
    const { bytes } = await session.backup.export({ password: BACKUP_PW });
    return { bytes, vault, dbName };
  }
  const flip = (b: Uint8Array, at: number, bit = 0) => {
    const c = new Uint8Array(b);
    c[at]! ^= 1 << bit;
    return c;
  };
  const headerLen = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset + 9, 4).getUint32(0);

  it('classifies a corpus of broken files', async () => {
    const { bytes, vault, dbName } = await sample();
    const before = await dumpAll(dbName);
    const hl = headerLen(bytes);
    const sumAt = 13 + hl;
    const macAt = sumAt + 32;
    const bodyAt = macAt + 32;
    const header = JSON.parse(Buffer.from(bytes.subarray(13, 13 + hl)).toString('utf8')) as Record<string, unknown>;
    const withHeader = (h: Record<string, unknown>) => {
      // A hand-edited header with a recomputed checksum: only the keyed checks can catch it.
      const hb = Buffer.from(JSON.stringify(h));
      const pre = new Uint8Array(13 + hb.length);
      pre.set(bytes.subarray(0, 9));
      new DataView(pre.buffer).setUint32(9, hb.length);
      pre.set(hb, 13);
      return (async () => {
        const sum = new Uint8Array(await crypto.subtle.digest('SHA-256', pre));
        return Buffer.concat([pre, sum, bytes.subarray(macAt)]);
      })();
    };
    const cases: [string, Uint8Array | Promise<Uint8Array>, string, string?][] = [
      ['empty', new Uint8Array(0), 'Empty'],
      ['text file', Buffer.from('hello, this is not a backup\n'), 'NotBackup'],
      ['a PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'NotBackup'],
      ['flipped bit in the magic', flip(bytes, 2), 'NotBackup'],
      ['newer format version', (() => { const c = new Uint8Array(bytes); c[8] = BACKUP_VERSION + 1; return c; })(), 'NewerVersion'],
      ['version 0', (() => { const c = new Uint8Array(bytes); c[8] = 0; return c; })(), 'Damaged'],
      ['flipped bit in the header length', flip(bytes, 12, 7), 'Damaged'],
      ['flipped bit in the header', flip(bytes, 40), 'Damaged'],
      ['flipped bit in the header checksum', flip(bytes, sumAt + 3), 'Damaged'],
      ['flipped bit in the header MAC', flip(bytes, macAt + 5), 'Damaged'],
      ['flipped bit in the first payload chunk', flip(bytes, bodyAt + 10), 'Damaged'],
      ['flipped bit in the last tag', flip(bytes, bytes.length - 1), 'Damaged'],
      ['appended bytes', Buffer.concat([bytes, Buffer.from([0])]), 'Damaged'],
      ['truncated inside the magic', bytes.subarray(0, 5), 'Truncated'],
      ['truncated inside the header', bytes.subarray(0, 40), 'Truncated'],
      ['truncated inside the MAC', bytes.subarray(0, macAt + 10), 'Truncated'],
      ['truncated by one byte', bytes.subarray(0, bytes.length - 1), 'Truncated'],
      ['truncated to the header only', bytes.subarray(0, bodyAt), 'Truncated'],
      ['iterations edited below the bound', withHeader({ ...header, kdf: { ...(header.kdf as object), iterations: 1000 } }), 'KdfOutOfBounds'],
      ['iterations edited above the bound', withHeader({ ...header, kdf: { ...(header.kdf as object), iterations: 2_000_000_000 } }), 'KdfOutOfBounds'],
      ['counts edited', withHeader({ ...header, counts: { keys: 999 } }), 'Damaged'],
      ['payload length edited', withHeader({ ...header, payloadBytes: (header.payloadBytes as number) - 1 }), 'Damaged'],
    ];
    for (const [label, file, code] of cases) {
      expect({ label, code: await codeOf(vault.inspectBackup(await file, BACKUP_PW)) }).toEqual({ label, code });
      expect({ label, code: await codeOf(vault.restoreBackup(await file, BACKUP_PW)) }).toEqual({ label, code });
    }
    expect(await codeOf(vault.restoreBackup(bytes, 'wrong backup password'))).toBe('WrongPassword');
    expect(await dumpAll(dbName)).toBe(before);
  });

  it('refuses a file over the size limit before decrypting anything', async () => {
    const { vault } = await sample();
    const huge = new Uint8Array(MAX_BACKUP_BYTES + 1);
    huge.set(Uint8Array.of(0x89, 0x4b, 0x57, 0x42, 0x41, 0x4b, 0x0d, 0x0a, 1));
    expect(await codeOf(vault.inspectBackup(huge, BACKUP_PW))).toBe('TooLarge');
  });

  it('streams large payloads in 64 KiB chunks and detects a dropped final chunk', async () => {
    const payload = new Uint8Array(CHUNK_SIZE * 2 + 100).map((_, i) => i & 255);
    const info = { createdAt: 'x', appVersion: 'x', vaultId: 'v', counts: {}, auditHead: null };
    const file = await writeBackupFile(payload, BACKUP_PW, info, TEST_ITERATIONS);
    expect((await readBackupFile(file, BACKUP_PW)).payload).toEqual(payload);
    // Drop the last chunk: the authenticated payload length says something is missing.
    const hl = headerLen(file);
    const header = JSON.parse(Buffer.from(file.subarray(13, 13 + hl)).toString('utf8')) as { payloadBytes: number };
    expect(header.payloadBytes).toBe(payload.length + 3 * 16);
    const cut = file.subarray(0, file.length - (100 + 16));
    expect(await codeOf(readBackupFile(cut, BACKUP_PW))).toBe('Truncated');
  });

  // Found by fuzzing (src/vault/fuzz.test.ts): a payload row without its key failed inside the restore's
  // transaction and was reported as "your browser refused to save". It is a damaged file, refused before writing.
  it.each<[string, string, (row: Record<string, unknown>) => void]>([
    ['a version row without its key id', 'versions', (row) => delete row.keyId],
    ['a key row whose sealed metadata is text', 'keys', (row) => (row.sealedMeta = 'not bytes')],
    ['a user row without its wrapped user key', 'users', (row) => delete row.wrappedUserKey],
    ['an audit row whose sequence number is a string', 'audit', (row) => (row.seq = '1')],
  ])('refuses a payload with %s as Damaged, writing nothing', async (_what, store, edit) => {
    const { bytes, vault, dbName } = await sample();
    const { header, payload } = await readBackupFile(bytes, BACKUP_PW);
    const { kdf: _k, cipher: _c, chunkSize: _s, payloadBytes: _p, check: _x, ...info } = header;
    // The same damage in both format versions: the binary payload (2) and the JSON one (1).
    const tree = decodeTree(payload) as VaultPayload;
    const v1 = JSON.parse(new TextDecoder().decode(encodePayloadV1(tree))) as { stores: Record<string, Record<string, unknown>[]> };
    edit((tree.stores as unknown as Record<string, Record<string, unknown>[]>)[store]![0]!);
    edit(v1.stores[store]![0]!);
    const files = [
      await writeBackupFile(encodeTree(tree), BACKUP_PW, info, TEST_ITERATIONS, 2),
      await writeBackupFile(new TextEncoder().encode(JSON.stringify(v1)), BACKUP_PW, info, TEST_ITERATIONS, 1),
    ];
    const before = await dumpAll(dbName);
    for (const file of files) expect(await codeOf(vault.restoreBackup(file, BACKUP_PW))).toBe('Damaged');
    expect(await dumpAll(dbName)).toBe(before);
  });
});

describe('the golden file', () => {
  it('made by version 1 still restores', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = new Uint8Array(readFileSync(new URL('../../test/fixtures/golden-v1.kwbak', import.meta.url)));
    const { vault } = await newVault();
    const preview = await vault.inspectBackup(bytes, 'correct horse battery staple');
    expect(preview.counts.keys).toBeGreaterThanOrEqual(3);
    await vault.restoreBackup(bytes, 'correct horse battery staple');
    const s = await vault.unlock({ password: 'correct horse battery staple' });
    const keys = await s.keys.list();
    expect(keys.map((k) => k.name).sort()).toEqual(['GitHub deploy token', 'Release signing key', 'Stripe live key']);
    const stripe = keys.find((k) => k.name === 'Stripe live key')!;
    expect(stripe.version).toBe(3);
    expect(await s.keys.reveal(stripe.id)).toBe('sk_live_golden_v3');
    expect(await s.keys.reveal(stripe.id, 1)).toBe('sk_live_golden_v1');
    expect(await s.audit.verify()).toMatchObject({ ok: true });
    expect((await s.audit.report()).total).toBeGreaterThan(5);
  });
});

describe('format versions', () => {
  it('writes version 2, and a version-1 file of the same vault restores to the same rows', async () => {
    const { session, vault, dbName, clock } = await filled();
    const v2 = (await session.backup.export({ password: BACKUP_PW })).bytes;
    expect(v2[8]).toBe(2);
    const db = await openKeywardDb({ name: dbName });
    const v1 = await makeBackupFile(await readVaultPayload(db), BACKUP_PW, clock.now(), TEST_ITERATIONS, 1);
    db.close();
    expect(v1[8]).toBe(1);
    // The binary payload is smaller than JSON with base64 byte strings.
    expect(v2.length).toBeLessThan(v1.length);
    await session.lock();

    const restored: string[] = [];
    for (const file of [v1, v2]) {
      expect((await vault.inspectBackup(file, BACKUP_PW)).counts).toMatchObject({ keys: 3 });
      await vault.restoreBackup(file, BACKUP_PW);
      // Every row as stored, apart from the restore's own pending entry (its time differs).
      const db = await openKeywardDb({ name: dbName });
      const out: unknown[] = [];
      for (const store of Object.values(DB.stores)) if (store !== DB.stores.auditPending) out.push(await db.getAll(store));
      db.close();
      restored.push(JSON.stringify(out, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
    }
    expect(restored[1]).toBe(restored[0]);
    const s = await vault.unlock({ password: PASSWORD });
    expect((await s.keys.list()).map((k) => k.name).sort()).toEqual(['Signer', 'Stripe', 'Webhook']);
    expect(await s.audit.verify()).toMatchObject({ ok: true });
  });

  it('refuses a version-2 payload that is not a vault, as Damaged', async () => {
    const { vault } = await filled();
    const info = { createdAt: 'x', appVersion: 'x', vaultId: 'v', counts: {}, auditHead: null };
    for (const payload of [Uint8Array.of(0, 0, 0), Uint8Array.of(0, 0, 8, 0), new TextEncoder().encode('{"kind":"keyward-vault"}')]) {
      const file = await writeBackupFile(payload, BACKUP_PW, info, TEST_ITERATIONS);
      expect(await codeOf(vault.inspectBackup(file, BACKUP_PW))).toBe('Damaged');
    }
  });
});

describe('the golden file of version 2', () => {
  it('still restores', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = new Uint8Array(readFileSync(new URL('../../test/fixtures/golden-v2.kwbak', import.meta.url)));
    expect(bytes[8]).toBe(2);
    const { vault } = await newVault();
    await vault.restoreBackup(bytes, 'correct horse battery staple');
    const s = await vault.unlock({ password: 'correct horse battery staple' });
    const keys = await s.keys.list();
    expect(keys.map((k) => k.name).sort()).toEqual(['GitHub deploy token', 'Release signing key', 'Stripe live key']);
    const stripe = keys.find((k) => k.name === 'Stripe live key')!;
    expect(await s.keys.reveal(stripe.id)).toBe('sk_live_golden_v3');
    expect(await s.keys.reveal(stripe.id, 1)).toBe('sk_live_golden_v1');
    expect(await s.audit.verify()).toMatchObject({ ok: true });
    // Made before the ledger (issue #14): the owner's first unlock starts it; the next unlock verifies it against the pin.
    expect(s.ledgerReport).toEqual({ problem: null, mismatched: [] });
    await s.lock();
    const again = await vault.unlock({ password: 'correct horse battery staple' });
    expect(again.ledgerReport).toEqual({ problem: null, mismatched: [] });
    expect(await again.directory.users()).toHaveLength(1);
  });
});

void openVault;

describe('merge into this vault', () => {
  it('adds new keys, leaves identical ones, and applies a choice per conflict', async () => {
    const { session, vault, ids } = await filled();
    const { bytes } = await session.backup.export({ password: BACKUP_PW });
    await session.keys.update(ids.a, { name: 'Stripe (renamed here)' });
    await session.lifecycle.rotate(ids.b); // b: v4 here, v3 in the backup
    const d = await session.keys.create(pasted({ name: 'Only here' }));

    const first = await vault.previewMerge(session, bytes, BACKUP_PW, PASSWORD);
    expect(first.plan.added).toEqual([]);
    expect(first.plan.unchanged).toBe(1); // c
    expect(first.plan.conflicts.map((c) => [c.id, c.mine.name, c.theirs.name, c.mine.version, c.theirs.version]).sort()).toEqual(
      [
        [ids.a, 'Stripe (renamed here)', 'Stripe', 1, 1],
        [ids.b, 'Webhook', 'Webhook', 4, 3],
      ].sort(),
    );
    await expect(first.apply({ [ids.a]: 'keep-mine' })).rejects.toThrow(/no choice/);
    await first.apply({ [ids.a]: 'keep-both', [ids.b]: 'take-backup' });
    const names = (await session.keys.list()).map((k) => k.name).sort();
    expect(names).toEqual(['Only here', 'Signer', 'Stripe (from backup)', 'Stripe (renamed here)', 'Webhook']);
    expect((await session.keys.get(ids.b)).version).toBe(3);
    expect(await session.keys.reveal(ids.a)).toBe('sk_live_1');
    expect(await session.keys.reveal(d.id)).toBe('sk_live_1');
    expect(await session.audit.verify()).toMatchObject({ ok: true });
    // A fresh unlock reads the merged keys from storage alike.
    await session.lock();
    const again = await vault.unlock({ password: PASSWORD });
    expect((await again.keys.list()).length).toBe(5);
    const fromBackup = (await again.keys.list()).find((k) => k.name === 'Stripe (from backup)')!;
    expect(await again.keys.reveal(fromBackup.id)).toBe('sk_live_1');
  });

  it('merges another vault\'s backup (its own vault password) into this one, all as new keys', async () => {
    const src = await filled();
    const { bytes } = await src.session.backup.export({ password: BACKUP_PW });
    const dst = await newVault();
    const s = await dst.vault.create({ ownerName: 'Eve', password: 'eve vault password', iterations: TEST_ITERATIONS });
    await expect(dst.vault.previewMerge(s, bytes, BACKUP_PW, 'eve vault password')).rejects.toMatchObject({ code: 'WrongPassword' });
    const m = await dst.vault.previewMerge(s, bytes, BACKUP_PW, PASSWORD);
    expect(m.plan.added.map((a) => a.name).sort()).toEqual(['Signer', 'Stripe', 'Webhook']);
    const before = await dumpAll(dst.dbName);
    const proto = globalThis.IDBObjectStore.prototype;
    const realAdd = proto.add;
    let n = 0;
    vi.spyOn(proto, 'add').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (++n === 4) throw new DOMException('injected', 'QuotaExceededError');
      return realAdd.apply(this, args);
    });
    await expect(m.apply({})).rejects.toMatchObject({ code: 'StorageFull' });
    vi.restoreAllMocks();
    expect(await dumpAll(dst.dbName)).toBe(before);
    await m.apply({});
    expect((await s.keys.list()).map((k) => k.name).sort()).toEqual(['Signer', 'Stripe', 'Webhook']);
    expect(await s.keys.reveal(src.ids.b, 1)).toBe('ab'.repeat(32));
  });
});
