// Importing keys from another manager's entries (issue #16): the entry → key mapping, duplicates, and the one
// all-or-nothing transaction with a single audit entry that holds no name or value.
import { describe, expect, it, vi } from 'vitest';
import { createdVault, dumpDb, rejectsWith } from '../../test/unit/helpers';
import type { ImportEntry, ImportResult } from '../interop';
import { planImport, type PlannedKey } from './import-plan';
import { LIMITS } from './types';

const entry = (over: Partial<ImportEntry> = {}): ImportEntry => ({ name: 'Stripe', value: 'sk_live_1', username: '', url: '', notes: '', totp: '', group: '', fields: [], ...over });
const result = (entries: ImportEntry[], skipped: ImportResult['skipped'] = []): ImportResult => ({ format: 'bitwarden-json', entries, skipped });
const planned = (name: string, value: string, tags: string[] = []): PlannedKey => ({ name, value, tags, notes: '', entry: 0 });

describe('planImport: how an entry becomes keys', () => {
  it('takes the password as the value, the group as tags, and username, URL, TOTP and visible fields into the notes', () => {
    const plan = planImport(
      result([
        entry({
          name: 'GitHub',
          value: 'hunter2',
          username: 'ada',
          url: 'https://github.com',
          notes: 'work account',
          totp: 'otpauth://totp/x?secret=JBSWY3DP',
          group: 'Work/Dev',
          fields: [{ name: 'team', value: 'core', hidden: false }],
        }),
      ]),
    );
    expect(plan.keys).toEqual([
      { name: 'GitHub', value: 'hunter2', tags: ['Work', 'Dev'], notes: 'work account\nUsername: ada\nURL: https://github.com\nTOTP: otpauth://totp/x?secret=JBSWY3DP\nteam: core', entry: 0 },
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it('adds the entry’s own tags after the group’s, once each (ignoring case), cut to the limits', () => {
    const plan = planImport(result([entry({ group: 'Work/Dev', tags: ['dev', 'Payments', ' ', 'x'.repeat(LIMITS.tagMaxChars + 9)] })]));
    expect(plan.keys[0]!.tags).toEqual(['Work', 'Dev', 'Payments', 'x'.repeat(LIMITS.tagMaxChars)]);
    const many = planImport(result([entry({ tags: Array.from({ length: LIMITS.tagsMax + 5 }, (_, i) => `t${i}`) })]));
    expect(many.keys[0]!.tags).toHaveLength(LIMITS.tagsMax);
  });

  it('makes a key of every hidden custom field, and of a secure note with no password', () => {
    const plan = planImport(
      result([
        entry({ name: 'CI', value: '', fields: [{ name: 'API_TOKEN', value: 'tok_1', hidden: true }, { name: 'EMPTY', value: '', hidden: true }] }),
        entry({ name: 'Recovery codes', value: '', notes: 'a1 b2 c3' }),
      ]),
    );
    expect(plan.keys.map((k) => [k.name, k.value, k.entry])).toEqual([
      ['CI / API_TOKEN', 'tok_1', 0],
      ['Recovery codes', 'a1 b2 c3', 1],
    ]);
    expect(plan.keys[1]!.notes).toBe('');
  });

  it('skips entries with nothing to store, keeps the parser’s skips, and says why', () => {
    const plan = planImport(result([entry({ name: 'login only', value: '', username: 'bob' }), entry({ name: '  ', value: 'v' })], [{ name: 'old', reason: 'in the Recycle Bin' }]));
    expect(plan.keys.map((k) => k.name)).toEqual(['Entry 2']);
    expect(plan.skipped).toEqual([
      { name: 'old', reason: 'in the Recycle Bin' },
      { name: 'login only', reason: 'it has no password, value or note to store' },
    ]);
  });

  it('cuts over-long names, tags and notes to the limits, and skips a value Keyward refuses with the reason', () => {
    const long = 'n'.repeat(LIMITS.nameMaxChars + 50);
    const plan = planImport(result([entry({ name: long, group: 't'.repeat(80), notes: 'x'.repeat(LIMITS.notesMaxChars + 5), username: 'u' }), entry({ name: 'bad', value: 'a\u{D800}b' })]));
    expect(plan.keys).toHaveLength(1);
    expect([...plan.keys[0]!.name]).toHaveLength(LIMITS.nameMaxChars);
    expect(plan.keys[0]!.tags[0]).toHaveLength(LIMITS.tagMaxChars);
    expect(plan.keys[0]!.notes.length).toBeLessThanOrEqual(LIMITS.notesMaxChars);
    expect(plan.skipped).toHaveLength(1);
    expect(plan.skipped[0]!.name).toBe('bad');
    expect(plan.skipped[0]!.reason).not.toContain('a\u{D800}b');
  });
});

describe('session.imports', () => {
  it('imports every key in one transaction with one audit entry holding the format and count only', async () => {
    const { session, dbName } = await createdVault();
    const before = (await session.audit.report({}, { limit: 500 })).total;
    const progress = vi.fn();
    const keys = Array.from({ length: 150 }, (_, i) => planned(`key ${i}`, `value-${i}-secret`, ['imported']));
    const made = await session.imports.importKeys('dotenv', keys, { onProgress: progress });
    expect(made).toHaveLength(150);
    expect(progress).toHaveBeenLastCalledWith(150, 150);
    const list = await session.keys.list();
    expect(list.map((k) => k.name).sort()).toEqual(keys.map((k) => k.name).sort());
    expect(await session.keys.reveal(list.find((k) => k.name === 'key 7')!.id)).toBe('value-7-secret');
    const report = await session.audit.report({}, { limit: 500 });
    const imports = report.page.filter((e) => e.action === 'key.import');
    expect(imports).toHaveLength(1);
    expect(imports[0]!.details).toMatchObject({ format: 'dotenv', count: 150 });
    expect(JSON.stringify(imports[0])).not.toMatch(/key 7|value-7/);
    // The reveal just above adds one entry; the import added exactly one.
    expect(report.total).toBe(before + 2);
    const stored = await dumpDb(dbName);
    expect(stored).not.toContain('value-7-secret');
    expect(stored).not.toContain('key 7');
  });

  it('writes nothing when one key is refused, and names it without its value', async () => {
    const { session, dbName } = await createdVault();
    const before = await dumpDb(dbName);
    const keys = [planned('fine', 'ok-value'), planned('', 'secret-of-the-empty-name')];
    await rejectsWith(session.imports.importKeys('csv', keys), 'InvalidInput', 'keys');
    const error = await session.imports.importKeys('csv', keys).catch((e: Error) => e);
    expect((error as Error).message).toContain('key 2');
    expect((error as Error).message).not.toContain('secret-of-the-empty-name');
    expect(await dumpDb(dbName)).toBe(before);
    expect(await session.keys.list()).toEqual([]);
  });

  it('refuses an empty import and an unknown format name', async () => {
    const { session } = await createdVault();
    await rejectsWith(session.imports.importKeys('dotenv', []), 'InvalidInput', 'keys');
    await rejectsWith(session.imports.importKeys('not a format!', [planned('a', 'b')]), 'InvalidInput', 'format');
  });

  it('finds keys already here by name (any case), and tells whether the value is the same', async () => {
    const { session } = await createdVault();
    const stripe = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    const github = await session.keys.create({ name: 'GitHub', value: 'old', format: 'text', tags: [], notes: '' });
    const reportBefore = (await session.audit.report({}, { limit: 500 })).total;
    const found = await session.imports.duplicates([planned(' stripe ', 'sk_live_1'), planned('GitHub', 'new'), planned('New one', 'x')]);
    expect(found).toEqual([
      { index: 0, keyId: stripe.id, sameValue: true },
      { index: 1, keyId: github.id, sameValue: false },
    ]);
    // Comparing is not a reveal: no entry is written.
    expect((await session.audit.report({}, { limit: 500 })).total).toBe(reportBefore);
  });

  it('replaces a key here with the imported value as its next version, in the same transaction and with its own entries', async () => {
    const { session } = await createdVault();
    const github = await session.keys.create({ name: 'GitHub', value: 'old-token', format: 'text', tags: [], notes: '' });
    const made = await session.imports.importKeys('bitwarden-json', [planned('New one', 'fresh')], { replace: [{ keyId: github.id, value: 'new-token' }] });
    expect(made.map((k) => k.name).sort()).toEqual(['GitHub', 'New one']);
    expect(await session.keys.reveal(github.id)).toBe('new-token');
    const versions = await session.keys.versions(github.id);
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
    expect(versions.find((v) => v.version === 2)!.origin).toBe('imported');
    const page = (await session.audit.report({}, { limit: 500 })).page;
    expect(page.find((e) => e.action === 'key.import')!.details).toMatchObject({ format: 'bitwarden-json', count: 1, replaced: 1 });
    expect(page.some((e) => e.action === 'key.rotate' && e.keyId === github.id)).toBe(true);
  });

  it('writes nothing at all when a replacement is refused (a suspended key), nor the new keys beside it', async () => {
    const { session, dbName } = await createdVault();
    const key = await session.keys.create({ name: 'Paused', value: 'v1-value', format: 'text', tags: [], notes: '' });
    await session.lifecycle.setState(key.id, 'suspended');
    const before = await dumpDb(dbName);
    const error = await session.imports.importKeys('dotenv', [planned('beside', 'x-value')], { replace: [{ keyId: key.id, value: 'v2-value' }] }).catch((e: Error) => e);
    expect((error as Error & { code?: string }).code).toBe('InvalidInput');
    expect((error as Error).message).not.toContain('v2-value');
    expect(await dumpDb(dbName)).toBe(before);
    await rejectsWith(session.imports.importKeys('dotenv', [], { replace: [{ keyId: key.id, value: 'a' }, { keyId: key.id, value: 'b' }] }), 'InvalidInput', 'keys');
  });
});
