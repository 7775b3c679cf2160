import { afterEach, describe, expect, it, vi } from 'vitest';
import { PASSWORD, createdVault } from '../../test/unit/helpers';
import { DB, openKeywardDb, type AuditRow } from '../storage';
import { VaultError, type KeyInput } from './index';

const created = createdVault;
const DAY = 86_400_000;

const pasted = (over: Partial<KeyInput> = {}): KeyInput => ({ name: 'Stripe', value: 'sk_live_SENTINEL', format: 'text', tags: [], notes: '', ...over });

async function rows(dbName: string): Promise<AuditRow[]> {
  const db = await openKeywardDb({ name: dbName });
  const all = await db.getAll(DB.stores.audit);
  db.close();
  return all;
}

async function edit(dbName: string, fn: (db: Awaited<ReturnType<typeof openKeywardDb>>) => Promise<void>) {
  const db = await openKeywardDb({ name: dbName });
  await fn(db);
  db.close();
}

afterEach(() => vi.restoreAllMocks());

describe('entries', () => {
  it('records every operation with actor, key, version and outcome, chained in order', async () => {
    const { session, dbName, clock, vault } = await created();
    const k = await session.keys.create(pasted({ recipe: null }));
    clock.advance(1000);
    await session.keys.reveal(k.id);
    await session.keys.reveal(k.id, undefined, 'copy');
    await session.lifecycle.rotate(k.id, { value: 'sk_live_2' });
    await session.keys.update(k.id, { name: 'Stripe (live)' });
    await session.lifecycle.setState(k.id, 'suspended');
    await expect(session.keys.reveal(k.id)).rejects.toBeInstanceOf(VaultError);
    await session.lifecycle.setState(k.id, 'active');
    await session.lifecycle.scheduleDestruction(k.id, 7);
    await session.lifecycle.cancelDestruction(k.id);
    await session.settings.update({ autoLockMinutes: 5 });
    await session.credentials.changePassword(PASSWORD, 'another long password');
    await session.lock();
    await expect(vault.unlock({ password: 'wrong password here' })).rejects.toMatchObject({ code: 'WrongPassword' });
    const s2 = await vault.unlock({ password: 'another long password' });
    await s2.lock('auto');
    const log = await rows(dbName);
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.map((r) => [r.action, r.outcome])).toEqual([
      ['vault.create', 'ok'],
      ['key.create', 'ok'],
      ['key.reveal', 'ok'],
      ['key.copy', 'ok'],
      ['key.rotate', 'ok'],
      ['key.update', 'ok'],
      ['key.state', 'ok'],
      ['key.reveal', 'denied'],
      ['key.state', 'ok'],
      ['key.destruction.schedule', 'ok'],
      ['key.destruction.cancel', 'ok'],
      ['settings.change', 'ok'],
      ['password.change', 'ok'],
      ['lock', 'ok'],
      ['unlock.failed', 'failed'],
      ['unlock', 'ok'],
      ['lock.auto', 'ok'],
    ]);
    expect(log[4]).toMatchObject({ keyId: k.id, version: 2, actor: session.user.id });
    expect(log[2]).toMatchObject({ keyId: k.id, version: 1, at: k.createdAt + 1000 });
    // No secret in any entry: values, names and passwords never reach the log, sealed or not.
    const text = JSON.stringify(log, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    for (const s of ['sk_live_SENTINEL', 'sk_live_2', 'Stripe', PASSWORD, 'another long password']) expect(text).not.toContain(s);
  });

  it('folds failed unlocks into the chain at the next unlock, at the time they happened', async () => {
    const { session, vault, dbName, clock } = await created();
    await session.lock();
    clock.advance(60_000);
    const failedAt = clock.now();
    await expect(vault.unlock({ password: 'nope nope nope' })).rejects.toMatchObject({ code: 'WrongPassword' });
    await expect(vault.unlock({ password: 'still not it!' })).rejects.toMatchObject({ code: 'WrongPassword' });
    const db = await openKeywardDb({ name: dbName });
    expect(await db.count(DB.stores.auditPending)).toBe(2);
    db.close();
    clock.advance(60_000);
    const s = await vault.unlock({ password: PASSWORD });
    const log = await rows(dbName);
    const failed = log.filter((r) => r.action === 'unlock.failed');
    expect(failed.map((r) => [r.at, r.outcome])).toEqual([
      [failedAt, 'failed'],
      [failedAt, 'failed'],
    ]);
    expect(log.at(-1)).toMatchObject({ action: 'unlock', at: clock.now() });
    const db2 = await openKeywardDb({ name: dbName });
    expect(await db2.count(DB.stores.auditPending)).toBe(0);
    db2.close();
    expect(await s.audit.verify()).toMatchObject({ ok: true, count: log.length });
  });

  it('logs an edit of a value as the edit, not as a reveal', async () => {
    const { session } = await created();
    const k = await session.keys.create(pasted({ value: 'abcd', format: 'text' }));
    await session.keys.update(k.id, { format: 'hex' });
    await session.keys.update(k.id, { value: 'ef01' });
    const r = await session.audit.report({ keyId: k.id });
    expect(r.page.map((e) => e.action)).toEqual(['key.rotate', 'key.update', 'key.create']);
  });

  it('writes no entry for a change that did not happen', async () => {
    const { session, dbName } = await created();
    const before = (await rows(dbName)).length;
    const proto = globalThis.IDBObjectStore.prototype;
    const realAdd = proto.add;
    let adds = 0;
    vi.spyOn(proto, 'add').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (++adds === 3) throw new DOMException('injected', 'QuotaExceededError');
      return realAdd.apply(this, args);
    });
    await expect(session.keys.create(pasted())).rejects.toMatchObject({ code: 'StorageFull' });
    vi.restoreAllMocks();
    expect((await rows(dbName)).length).toBe(before);
    // …and the in-memory head did not move: the next write chains correctly.
    await session.keys.create(pasted());
    expect(await session.audit.verify()).toMatchObject({ ok: true });
  });

  it('chains correctly when two tabs append to one log', async () => {
    const { vault, session } = await created();
    const other = await vault.unlock({ password: PASSWORD });
    await session.keys.create(pasted({ name: 'a' }));
    await other.keys.create(pasted({ name: 'b' })); // its head is stale: it catches up, then writes
    await session.keys.create(pasted({ name: 'c' }));
    expect(await session.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('tamper evidence', () => {
  async function withLog() {
    const c = await created();
    const k = await c.session.keys.create(pasted());
    for (let i = 0; i < 6; i++) await c.session.keys.reveal(k.id);
    const log = await rows(c.dbName);
    expect(log.length).toBe(8); // vault.create, key.create, 6 reveals
    return { ...c, log };
  }

  it('an untouched log verifies', async () => {
    const { session, log } = await withLog();
    expect(await session.audit.verify()).toEqual({ ok: true, count: log.length, head: { seq: log.length, mac: log.at(-1)!.mac } });
  });

  it.each<[string, (rows: AuditRow[]) => AuditRow]>([
    ['time', (r) => ({ ...r[4]!, at: r[4]!.at + 1 })],
    ['action', (r) => ({ ...r[4]!, action: 'key.create' })],
    ['outcome', (r) => ({ ...r[4]!, outcome: 'denied' })],
    ['key id', (r) => ({ ...r[4]!, keyId: 'other' })],
    ['actor', (r) => ({ ...r[4]!, actor: 'someone-else' })],
    ['sealed details', (r) => ({ ...r[4]!, sealedDetails: r[5]!.sealedDetails })],
  ])('detects a modified %s at its sequence number', async (_what, change) => {
    const { session, dbName, log } = await withLog();
    await edit(dbName, (db) => db.put(DB.stores.audit, change(log)).then(() => undefined));
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'modified', seq: 5 });
  });

  it('detects a deleted entry', async () => {
    const { session, dbName } = await withLog();
    await edit(dbName, (db) => db.delete(DB.stores.audit, 4));
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'missing', seq: 4 });
  });

  it('detects reordered entries', async () => {
    const { session, dbName, log } = await withLog();
    await edit(dbName, async (db) => {
      await db.put(DB.stores.audit, { ...log[5]!, seq: 5 });
      await db.put(DB.stores.audit, { ...log[4]!, seq: 6 });
    });
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'modified', seq: 5 });
  });

  it('detects a truncated tail', async () => {
    const { session, dbName } = await withLog();
    await edit(dbName, async (db) => {
      await db.delete(DB.stores.audit, 8);
      await db.delete(DB.stores.audit, 7);
    });
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'truncated', seq: 7 });
  });

  it('detects a forged entry, even with the head moved to match', async () => {
    const { session, dbName, log } = await withLog();
    const forged: AuditRow = { ...log[7]!, seq: 9, mac: new Uint8Array(32).fill(7) };
    await edit(dbName, async (db) => {
      await db.put(DB.stores.audit, forged);
      const meta = (await db.get(DB.stores.meta, 'vault'))!;
      await db.put(DB.stores.meta, { ...meta, audit: { ...meta.audit, head: { seq: 9, mac: forged.mac } } });
    });
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'modified', seq: 9 });
  });

  it('is verified at unlock: a broken log is reported by logCheck()', async () => {
    const { session, vault, dbName } = await withLog();
    await session.lock();
    await edit(dbName, (db) => db.delete(DB.stores.audit, 3));
    const s = await vault.unlock({ password: PASSWORD });
    expect(await s.audit.check()).toEqual({ ok: false, kind: 'missing', seq: 3 });
  });
});

describe('reports from the session', () => {
  it('counts every entry and decrypts one page of details, with names', async () => {
    const { session } = await created();
    const k = await session.keys.create(pasted());
    for (let i = 0; i < 4; i++) await session.keys.reveal(k.id);
    await session.lifecycle.setState(k.id, 'suspended');
    await session.keys.reveal(k.id).catch(() => undefined);
    const r = await session.audit.report({}, { offset: 0, limit: 3 });
    expect([r.total, r.uniqueUsers, r.denied, r.failed]).toEqual([8, 1, 1, 0]);
    expect(r.byAction['key.reveal']).toBe(5);
    expect(r.topKeys).toEqual([{ keyId: k.id, count: 7 }]);
    expect(r.page.map((e) => [e.seq, e.action, e.outcome, e.keyName, e.actorName])).toEqual([
      [8, 'key.reveal', 'denied', 'Stripe', 'Ada'],
      [7, 'key.state', 'ok', 'Stripe', 'Ada'],
      [6, 'key.reveal', 'ok', 'Stripe', 'Ada'],
    ]);
    expect(r.page[1]!.details).toMatchObject({ from: 'active', to: 'suspended' });
    expect(typeof r.page[0]!.details.client).toBe('string');
    const result = await session.audit.verifyNow();
    expect(result).toMatchObject({ ok: true, count: 8 });
    expect((await session.audit.report({ actions: ['audit.verify'] })).total).toBe(1);
  });
});

describe('large logs', () => {
  async function bulk(count: number) {
    const c = await created();
    const events = Array.from({ length: count }, (_, i) => ({ action: 'key.reveal' as const, keyId: `k${i % 7}`, version: 1, outcome: i % 11 === 0 ? ('denied' as const) : ('ok' as const), details: { n: i } }));
    for (let i = 0; i < count; i += 2000) await c.session.audit.recordMany(events.slice(i, i + 2000));
    return c;
  }

  it('recordMany writes real chained entries, in one transaction per call', async () => {
    const { session, dbName } = await bulk(2500);
    const log = await rows(dbName);
    expect(log.length).toBe(2501); // vault.create + 2500
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
    expect(await session.audit.verify()).toMatchObject({ ok: true, count: 2501 });
    const page = await session.audit.report({}, { limit: 2 });
    expect(page.page.map((e) => [e.seq, e.keyId, e.details.n])).toEqual([
      [2501, 'k0', 2499],
      [2500, 'k6', 2498],
    ]);
    await expect(session.audit.recordMany(Array.from({ length: 10_001 }, () => ({ action: 'key.reveal' as const })))).rejects.toThrow(RangeError);
  });

  it('verification in batches reports the first bad entry beyond the first batch', async () => {
    const { session, dbName } = await bulk(4500);
    const log = await rows(dbName);
    await edit(dbName, (db) => db.put(DB.stores.audit, { ...log[3999]!, at: 1 }).then(() => undefined));
    await edit(dbName, (db) => db.put(DB.stores.audit, { ...log[4199]!, at: 1 }).then(() => undefined));
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'modified', seq: 4000 });
    await edit(dbName, (db) => db.delete(DB.stores.audit, 3001));
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'missing', seq: 3001 });
  });

  it('reports stay exact as entries are appended, by this session and by another tab', async () => {
    const { session, vault } = await bulk(3000);
    const before = await session.audit.report();
    expect([before.total, before.denied, before.byAction['key.reveal']]).toEqual([3001, 273, 3000]);
    const k = await session.keys.create(pasted());
    const other = await vault.unlock({ password: PASSWORD });
    await other.keys.reveal(k.id);
    const after = await session.audit.report({ keyId: k.id });
    expect(after.total).toBe(2);
    expect(after.page.map((e) => e.action)).toEqual(['key.reveal', 'key.create']);
    // The other tabs' entries are there too: every figure agrees with a fresh session's, read from storage.
    const fresh = await vault.unlock({ password: PASSWORD });
    const { page: _a, ...mine } = await session.audit.report();
    const { page: _b, ...theirs } = await fresh.audit.report();
    expect(mine.total).toBe(3001 + 1 + 2 + 1);
    expect(mine).toEqual(theirs);
  });
});

describe('archive and trim', () => {
  it('exports the old entries first, removes them, and keeps the chain verifiable from a checkpoint', async () => {
    const { session, dbName, vault } = await created();
    const k = await session.keys.create(pasted());
    for (let i = 0; i < 5; i++) await session.keys.reveal(k.id);
    // 1 vault.create, 2 key.create, 3–7 reveals
    const archive = await session.audit.archiveAndTrim(5);
    expect(archive.count).toBe(5);
    const { verifyExport } = await import('./audit-export');
    expect(await verifyExport(JSON.parse(archive.text))).toMatchObject({ ok: true, count: 5 });
    const left = await rows(dbName);
    expect(left.map((r) => r.seq)).toEqual([6, 7, 8]);
    expect(left.at(-1)!.action).toBe('audit.checkpoint');
    expect(await session.audit.verify()).toMatchObject({ ok: true, count: 3 });
    await session.lock();
    const s2 = await vault.unlock({ password: PASSWORD });
    expect(await s2.audit.check()).toMatchObject({ ok: true });
    await expect(s2.audit.archiveAndTrim(3)).rejects.toMatchObject({ code: 'InvalidInput', field: 'throughSeq' });
  });

  it('in two steps: entries before a date are archived first, trimmed only when asked, and only as archived', async () => {
    const { session, dbName, clock } = await created();
    const start = clock.now();
    const k = await session.keys.create(pasted());
    clock.advance(DAY);
    await session.keys.reveal(k.id);
    await session.keys.reveal(k.id);
    clock.advance(DAY);
    await session.keys.reveal(k.id);
    // 1 vault.create, 2 key.create (day 0); 3, 4 reveals (day 1); 5 reveal (day 2)
    expect(await session.audit.archivePlan(start)).toBeNull();
    expect(await session.audit.archivePlan(start + DAY)).toMatchObject({ fromSeq: 1, throughSeq: 2, count: 2 });
    const plan = await session.audit.archivePlan(start + 2 * DAY);
    expect(plan).toMatchObject({ fromSeq: 1, throughSeq: 4, count: 4, firstAt: start });
    // Everything is before next week, but the newest entry always stays.
    expect(await session.audit.archivePlan(start + 7 * DAY)).toMatchObject({ throughSeq: 4 });
    await expect(session.audit.prepareArchive(start)).rejects.toMatchObject({ code: 'InvalidInput', field: 'before' });

    const archive = await session.audit.prepareArchive(start + 2 * DAY);
    expect(archive).toMatchObject({ fromSeq: 1, throughSeq: 4, count: 4 });
    expect(archive.filename).toMatch(/^keyward-audit-archive-\d{8}-\d{6}\.json$/);
    const { verifyExport } = await import('./audit-export');
    expect(await verifyExport(JSON.parse(archive.text))).toMatchObject({ ok: true, count: 4 });
    // Made, not yet trimmed: the log is whole.
    expect((await rows(dbName)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);

    expect(await session.audit.trimArchive(archive)).toEqual({ trimmed: 4, throughSeq: 4 });
    const left = await rows(dbName);
    expect(left.map((r) => [r.seq, r.action])).toEqual([
      [5, 'key.reveal'],
      [6, 'audit.checkpoint'],
    ]);
    expect(await session.audit.verify()).toMatchObject({ ok: true, count: 2 });
    // One archive trims once; the next plan starts after the checkpoint.
    await expect(session.audit.trimArchive(archive)).rejects.toMatchObject({ code: 'InvalidInput', field: 'archive' });
    expect(await session.audit.archivePlan(start + 7 * DAY)).toMatchObject({ fromSeq: 5, throughSeq: 5, count: 1 });
  });

  it('does not trim when the log changed after the archive was made, or an archive came from elsewhere', async () => {
    const { session, dbName, clock } = await created();
    const k = await session.keys.create(pasted());
    await session.keys.reveal(k.id);
    await session.keys.reveal(k.id);
    const later = clock.now() + DAY;
    const first = await session.audit.prepareArchive(later);
    expect(first.throughSeq).toBe(3);
    // Another archive trims first (another tab, say): the first one no longer describes the log.
    const second = await session.audit.prepareArchive(later);
    await session.audit.trimArchive(second);
    await expect(session.audit.trimArchive(first)).rejects.toMatchObject({ code: 'InvalidInput', field: 'archive' });
    expect(await session.audit.verify()).toMatchObject({ ok: true });

    // A copy of an archive is not one this session made.
    await session.keys.reveal(k.id);
    const third = await session.audit.prepareArchive(clock.now() + DAY);
    await expect(session.audit.trimArchive({ ...third })).rejects.toMatchObject({ code: 'InvalidInput', field: 'archive' });

    // The archived entries edited behind Keyward's back after the archive: nothing is trimmed.
    const fourth = await session.audit.prepareArchive(clock.now() + DAY);
    const before = (await rows(dbName)).map((r) => r.seq);
    await edit(dbName, async (db) => {
      const row = (await db.get(DB.stores.audit, fourth.throughSeq))!;
      await db.put(DB.stores.audit, { ...row, outcome: 'denied' });
    });
    await expect(session.audit.trimArchive(fourth)).rejects.toMatchObject({ code: 'Corrupt' });
    expect((await rows(dbName)).map((r) => r.seq)).toEqual(before);
  });

  it('the two steps need the right to manage the audit log: an auditor can read it, not trim it', async () => {
    const { session, vault, dbName, clock } = await created();
    const user = await session.directory.addUser({ name: 'Audi', password: 'one-time password 1', role: 'auditor' });
    const first = await vault.unlock({ userId: user.id, password: 'one-time password 1' });
    await first.credentials.changePassword('one-time password 1', 'my very own passphrase');
    const later = clock.now() + DAY;
    await expect(first.audit.archivePlan(later)).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(first.audit.prepareArchive(later)).rejects.toMatchObject({ code: 'AccessDenied' });
    const archive = await session.audit.prepareArchive(later);
    await expect(first.audit.trimArchive(archive)).rejects.toMatchObject({ code: 'AccessDenied' });
    expect((await rows(dbName)).some((r) => r.action === 'audit.checkpoint')).toBe(false);
  });

  it('refuses to trim everything, and notices a checkpoint moved forward to hide entries', async () => {
    const { session, dbName } = await created();
    const k = await session.keys.create(pasted());
    for (let i = 0; i < 4; i++) await session.keys.reveal(k.id);
    await expect(session.audit.archiveAndTrim(6)).rejects.toMatchObject({ code: 'InvalidInput' });
    await session.audit.archiveAndTrim(3);
    await edit(dbName, async (db) => {
      const four = (await db.get(DB.stores.audit, 4))!;
      await db.delete(DB.stores.audit, 4);
      const meta = (await db.get(DB.stores.meta, 'vault'))!;
      await db.put(DB.stores.meta, { ...meta, audit: { ...meta.audit, checkpoint: { seq: 4, mac: four.mac } } });
    });
    expect(await session.audit.verify()).toEqual({ ok: false, kind: 'missing', seq: 4 });
  });
});
