// Owns the tests of plaintext exports (issue #16): the .env and KDBX 4 files a session writes hold the right values
// and versions, leave out what cannot be revealed (and say why), pass the one guard, and write one audit entry each.
import { parse as parseDotenv } from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createdVault, dumpDb, PASSWORD, rejectsWith } from '../../test/unit/helpers';
import { kdbx, toArrayBuffer } from '../interop/kdbx-engine';
import { DB, openKeywardDb } from '../storage';
import type { Role, Session, UserId, Vault } from '.';

const FILE_PW = 'a file password';

/** Adds a user and signs them in with their own password. */
async function signIn(vault: Vault, admin: Session, name: string, role: Role): Promise<{ id: UserId; session: Session }> {
  const user = await admin.directory.addUser({ name, password: 'one-time password 1', role });
  const first = await vault.unlock({ userId: user.id, password: 'one-time password 1' });
  await first.credentials.changePassword('one-time password 1', 'my very own passphrase');
  return { id: user.id, session: first };
}

const secret = (name: string, value: string, tags: string[] = [], notes = '') => ({ name, value, format: 'text' as const, tags, notes });

/** The plain-export audit entries, newest first. */
async function exportEntries(session: Session) {
  return (await session.audit.report({ actions: ['key.export.plain'] }, { limit: 100 })).page;
}

/** Opens a KDBX file: every entry with its title, password, tags, notes and history passwords (oldest first). */
async function readKdbx(bytes: Uint8Array, password: string) {
  const lib = kdbx();
  const db = await lib.Kdbx.load(toArrayBuffer(bytes), new lib.KdbxCredentials(lib.ProtectedValue.fromString(password)));
  const text = (v: unknown): string => (v instanceof lib.ProtectedValue ? v.getText() : typeof v === 'string' ? v : '');
  const entries = [];
  for (const group of db.getDefaultGroup().allGroups()) {
    for (const e of group.entries) {
      entries.push({
        title: text(e.fields.get('Title')),
        password: text(e.fields.get('Password')),
        notes: text(e.fields.get('Notes')),
        tags: [...e.tags],
        created: e.times.creationTime?.getTime(),
        history: e.history.map((h) => ({ password: text(h.fields.get('Password')), modified: h.times.lastModTime?.getTime() })),
      });
    }
  }
  return { version: db.header.versionMajor, entries };
}

describe('session.plainExport.dotenv', () => {
  it('writes the current values of the chosen keys, parsed back by dotenv, with one audit entry of counts only', async () => {
    const { session, dbName, clock } = await createdVault();
    const a = await session.keys.create(secret('Stripe key', 'sk_live_1', ['prod'], 'billing'));
    const b = await session.keys.create(secret('db-url', 'postgres://u:p@h/db?x=1#frag', ['prod']));
    const c = await session.keys.create(secret('multi line', 'line one\nline "two"\n  `four` $HOME # not a comment', ['dev']));
    await session.lifecycle.rotate(a.id, { value: 'sk_live_2' });
    const before = (await exportEntries(session)).length;
    const file = await session.plainExport.dotenv({ ids: [a.id, b.id, c.id] });
    expect(file.count).toBe(3);
    expect(file.leftOut).toEqual([]);
    expect(file.filename).toMatch(/^keyward-\d{8}-\d{6}\.env$/);
    const d = new Date(clock.now());
    expect(file.filename).toContain(`${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}-`);
    const parsed = parseDotenv(file.text);
    expect(Object.values(parsed).sort()).toEqual(['line one\nline "two"\n  `four` $HOME # not a comment', 'postgres://u:p@h/db?x=1#frag', 'sk_live_2'].sort());
    expect(Object.keys(parsed)).toHaveLength(3);
    for (const name of Object.keys(parsed)) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    const entries = await exportEntries(session);
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]).toMatchObject({ action: 'key.export.plain', outcome: 'ok', keyId: null, details: { format: 'dotenv', count: 3, leftOut: 0 } });
    expect(JSON.stringify(entries[0])).not.toMatch(/Stripe|sk_live|postgres|multi line/);
    // Nothing of the export is kept: no value or name reaches storage in plain text.
    const stored = await dumpDb(dbName);
    expect(stored).not.toContain('sk_live_2');
    expect(stored).not.toContain('Stripe key');
  });

  it('takes every key with a tag (any case), or every key held', async () => {
    const { session } = await createdVault();
    await session.keys.create(secret('A', 'va', ['Prod']));
    await session.keys.create(secret('B', 'vb', ['prod', 'x']));
    await session.keys.create(secret('C', 'vc', ['dev']));
    expect(Object.values(parseDotenv((await session.plainExport.dotenv({ tag: ' PROD ' })).text)).sort()).toEqual(['va', 'vb']);
    expect(Object.values(parseDotenv((await session.plainExport.dotenv({ all: true })).text)).sort()).toEqual(['va', 'vb', 'vc']);
    await rejectsWith(session.plainExport.dotenv({ tag: 'nothing here' }), 'InvalidInput', 'keys');
    await rejectsWith(session.plainExport.dotenv({ tag: '  ' }), 'InvalidInput', 'tag');
    await rejectsWith(session.plainExport.dotenv({} as never), 'InvalidInput', 'keys');
  });

  it('leaves out suspended, destroyed-soon and unknown keys, says why, and counts them in the entry', async () => {
    const { session } = await createdVault();
    const ok = await session.keys.create(secret('ok', 'fine'));
    const suspended = await session.keys.create(secret('paused', 'hidden-1'));
    const doomed = await session.keys.create(secret('doomed', 'hidden-2'));
    await session.lifecycle.setState(suspended.id, 'suspended');
    await session.lifecycle.scheduleDestruction(doomed.id, 7);
    const preview = await session.plainExport.preview({ all: true });
    expect(preview.count).toBe(1);
    expect(preview.leftOut.map((l) => l.name).sort()).toEqual(['doomed', 'paused']);
    const file = await session.plainExport.dotenv({ ids: [ok.id, suspended.id, doomed.id, 'k_unknown' as typeof ok.id] });
    expect(Object.values(parseDotenv(file.text))).toEqual(['fine']);
    expect(file.text).not.toMatch(/hidden-/);
    expect(file.leftOut).toHaveLength(3);
    expect(file.leftOut.find((l) => l.id === suspended.id)!.why).toMatch(/suspended/);
    expect(file.leftOut.find((l) => l.id === doomed.id)!.why).toMatch(/destruction/);
    expect(file.leftOut.find((l) => l.name === '')!.why).toMatch(/no such key/);
    expect((await exportEntries(session))[0]!.details).toMatchObject({ format: 'dotenv', count: 1, leftOut: 3 });
  });

  it('leaves out a key whose stored value was changed outside Keyward, and exports the rest', async () => {
    const { session, dbName } = await createdVault();
    await session.keys.create(secret('fine', 'ok-value'));
    const hit = await session.keys.create(secret('tampered', 'gone-value'));
    const db = await openKeywardDb({ name: dbName });
    try {
      const row = (await db.get(DB.stores.versions, [hit.id, 1]))!;
      const sealed = Uint8Array.from(row.sealedValue!);
      sealed[sealed.length - 1]! ^= 0x01;
      await db.put(DB.stores.versions, { ...row, sealedValue: sealed });
    } finally {
      db.close();
    }
    const file = await session.plainExport.dotenv({ all: true });
    expect(parseDotenv(file.text)).toEqual({ FINE: 'ok-value' });
    expect(file.leftOut).toEqual([{ id: hit.id, name: 'tampered', why: expect.stringMatching(/does not open/) }]);
    expect((await exportEntries(session))[0]!.details).toMatchObject({ count: 1, leftOut: 1 });
  });

  it('gives a second key with the same variable name its own, and refuses by name, before any entry, a value .env cannot hold', async () => {
    const { session } = await createdVault();
    const a = await session.keys.create(secret('api key', 'one'));
    const b = await session.keys.create(secret('API_KEY', 'two'));
    const bad = await session.keys.create(secret('carriage', 'a\rb"c'));
    const s = await session.keys.create(secret('paused', 'p'));
    await session.lifecycle.setState(s.id, 'suspended');
    const parsed = parseDotenv((await session.plainExport.dotenv({ ids: [a.id, b.id] })).text);
    // Sorted by name: “api key” comes first and keeps API_KEY.
    expect(parsed).toEqual({ API_KEY: 'one', API_KEY_2: 'two' });
    const before = (await exportEntries(session)).length;
    const error = await session.plainExport.dotenv({ ids: [a.id, bad.id] }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'InvalidInput', field: 'keys' });
    expect((error as Error).message).toContain('carriage');
    expect((error as Error).message).not.toContain('a\rb');
    await rejectsWith(session.plainExport.dotenv({ ids: [s.id] }), 'InvalidInput', 'keys');
    await rejectsWith(session.plainExport.dotenv({ ids: [] }), 'InvalidInput', 'keys');
    expect(await exportEntries(session)).toHaveLength(before);
  });

  it('writes a typed key’s private part as PEM and a symmetric key as JWK, as the key page exports them', async () => {
    const { session } = await createdVault();
    const ec = await session.keys.generate({ name: 'signer', algorithm: { kind: 'ecdsa-p256' }, tags: [], notes: '' });
    const mac = await session.keys.generate({ name: 'mac', algorithm: { kind: 'hmac', hash: 'SHA-256' }, tags: [], notes: '' });
    const parsed = parseDotenv((await session.plainExport.dotenv({ all: true })).text);
    const values = Object.values(parsed);
    expect(values).toHaveLength(2);
    const pem = await session.keys.export(ec.id, { part: 'private', format: 'pem' });
    const jwk = await session.keys.export(mac.id, { part: 'secret', format: 'jwk' });
    expect(values).toContain(pem);
    expect(values).toContain(jwk);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });
});

describe('any stored value', () => {
  /** Values with the characters .env files trip on: quotes of each kind, #, backslashes, line breaks, spaces, $. */
  const tricky = fc
    .array(fc.oneof(fc.constantFrom('"', "'", '`', '#', '\\', '\n', '\r', ' ', '$', '=', 'a', 'Z', '0', '\u2028', 'é', '😀'), fc.string({ minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 24 })
    .map((parts) => parts.join(''))
    .filter((v) => v.trim() !== '');

  it('is written so that dotenv reads it back exactly, or refused by name with no entry and no file', async () => {
    const { session } = await createdVault();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(tricky, async (value) => {
        n += 1;
        const key = await session.keys.create(secret(`key ${n}`, value));
        const before = (await exportEntries(session)).length;
        const outcome = await session.plainExport.dotenv({ ids: [key.id] }).catch((e: unknown) => e);
        if (outcome instanceof Error) {
          expect(outcome).toMatchObject({ code: 'InvalidInput', field: 'keys' });
          expect(outcome.message).toContain(`key ${n}`);
          expect((await exportEntries(session)).length).toBe(before);
        } else {
          expect(parseDotenv((outcome as { text: string }).text)).toEqual({ [`KEY_${n}`]: value });
          expect((await exportEntries(session)).length).toBe(before + 1);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('session.plainExport.kdbx', () => {
  it('writes a KDBX 4 file with every key, its names, tags, notes, times, and older usable versions as history', async () => {
    const { session, clock } = await createdVault();
    const a = await session.keys.create(secret('Stripe', 'sk_1', ['pay', 'prod'], 'the billing key'));
    clock.advance(60_000);
    await session.lifecycle.rotate(a.id, { value: 'sk_2' });
    clock.advance(60_000);
    await session.lifecycle.rotate(a.id, { value: 'sk_3' });
    await session.keys.create(secret('plain', 'only-one'));
    const file = await session.plainExport.kdbx(FILE_PW);
    expect(file).toMatchObject({ count: 2, versions: 4, leftOut: [] });
    expect(file.filename).toMatch(/^keyward-\d{8}-\d{6}\.kdbx$/);
    const db = await readKdbx(file.bytes, FILE_PW);
    expect(db.version).toBe(4);
    const stripe = db.entries.find((e) => e.title === 'Stripe')!;
    expect(stripe).toMatchObject({ password: 'sk_3', notes: 'the billing key', tags: ['pay', 'prod'], created: a.createdAt });
    expect(stripe.history.map((h) => h.password)).toEqual(['sk_1', 'sk_2']);
    expect(db.entries.find((e) => e.title === 'plain')).toMatchObject({ password: 'only-one', history: [] });
    expect((await exportEntries(session))[0]!.details).toMatchObject({ format: 'kdbx', count: 2, versions: 4, leftOut: 0 });
  });

  it('dates the history from the facts sealed with the key, not from a version row changed in storage (issue #14)', async () => {
    const { session, clock, dbName } = await createdVault();
    const a = await session.keys.create(secret('Stripe', 'sk_1'));
    const sealedAt = clock.now();
    clock.advance(60_000);
    await session.lifecycle.rotate(a.id, { value: 'sk_2' });
    const db = await openKeywardDb({ name: dbName });
    const v1 = (await db.get(DB.stores.versions, [a.id, 1]))!;
    await db.put(DB.stores.versions, { ...v1, createdAt: 1 });
    db.close();
    session.forgetCached();
    const file = await session.plainExport.kdbx(FILE_PW);
    const stripe = (await readKdbx(file.bytes, FILE_PW)).entries.find((e) => e.title === 'Stripe')!;
    expect(stripe.history).toEqual([{ password: 'sk_1', modified: sealedAt }]);
  });

  it('leaves retired versions out of the history, and a key the person only views out of the file', async () => {
    const { session, vault } = await createdVault();
    const a = await session.keys.create(secret('A', 'v1'));
    await session.lifecycle.rotate(a.id, { value: 'v2' });
    await session.lifecycle.rotate(a.id, { value: 'v3' });
    await session.lifecycle.setOldestUsableVersion(a.id, 2);
    const bob = await signIn(vault, session, 'Bob', 'member');
    const viewed = await session.keys.create(secret('viewed', 'not-for-bob'));
    await session.access.grant(viewed.id, bob.id, 'view');
    await session.access.grant(a.id, bob.id, 'use');
    bob.session.forgetCached();
    const mine = await bob.session.plainExport.kdbx(FILE_PW);
    expect(mine.count).toBe(1);
    expect(mine.leftOut).toEqual([{ id: viewed.id, name: 'viewed', why: expect.stringMatching(/"view" grant/) }]);
    const db = await readKdbx(mine.bytes, FILE_PW);
    expect(db.entries.map((e) => [e.title, e.password, e.history.map((h) => h.password)])).toEqual([['A', 'v3', ['v2']]]);
  });

  it('refuses a short password and a wrong one cannot open the file', async () => {
    const { session } = await createdVault();
    await session.keys.create(secret('A', 'v1'));
    await rejectsWith(session.plainExport.kdbx('short'), 'PasswordTooShort', 'password');
    expect(await exportEntries(session)).toEqual([]);
    const file = await session.plainExport.kdbx(PASSWORD);
    await expect(readKdbx(file.bytes, 'not the password')).rejects.toThrow();
  });
});

describe('bad requests', () => {
  const BAD_SCOPES: [string, unknown][] = [
    ['null', null],
    ['a string', 'all'],
    ['a number', 7],
    ['an empty object', {}],
    ['all: false', { all: false }],
    ['ids not a list', { ids: 'k_1234567890' }],
    ['ids with a number', { ids: [12345678] }],
    ['ids with a malformed id', { ids: ['../../etc'] }],
    ['ids with an object', { ids: [{ toString: () => 'k_1234567890' }] }],
    ['too many ids', { ids: new Array(100_001).fill('k_1234567890') }],
    ['tag not text', { tag: 5 }],
    ['tag empty', { tag: '' }],
  ];

  it.each(BAD_SCOPES)('refuses a scope that is %s with InvalidInput, writing no export entry', async (_what, scope) => {
    const { session } = await createdVault();
    await session.keys.create(secret('A', 'v1'));
    const error = await session.plainExport.dotenv(scope as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidInput' });
    expect(await session.plainExport.preview(scope as never).catch((e: unknown) => e)).toMatchObject({ code: 'InvalidInput' });
    expect(await exportEntries(session)).toEqual([]);
  });

  it.each([
    ['not text', 12345678901],
    ['empty', ''],
    ['nine characters', '123456789'],
    ['a lone surrogate', 'abcdefghij\uD800'],
  ])('refuses a KDBX password that is %s', async (_what, password) => {
    const { session } = await createdVault();
    await session.keys.create(secret('A', 'v1'));
    const error = await session.plainExport.kdbx(password as never).catch((e: unknown) => e);
    expect((error as { code: string }).code).toMatch(/^(InvalidInput|PasswordTooShort)$/);
    expect(await exportEntries(session)).toEqual([]);
  });
});

describe('the guard', () => {
  it('refuses an auditor (logged as access.denied) and a user who must still change their password', async () => {
    const { session, vault } = await createdVault();
    await session.keys.create(secret('A', 'v1'));
    const audi = await signIn(vault, session, 'Audi', 'auditor');
    await rejectsWith(audi.session.plainExport.dotenv({ all: true }), 'AccessDenied');
    await rejectsWith(audi.session.plainExport.kdbx(FILE_PW), 'AccessDenied');
    await rejectsWith(audi.session.plainExport.preview({ all: true }), 'AccessDenied');
    const denied = (await session.audit.report({ actions: ['access.denied'] }, { limit: 10 })).page;
    expect(denied.length).toBeGreaterThanOrEqual(3);
    expect(denied[0]!.details).toMatchObject({ operation: 'key.use' });
    const fresh = await session.directory.addUser({ name: 'New', password: 'one-time password 2', role: 'member' });
    const first = await vault.unlock({ userId: fresh.id, password: 'one-time password 2' });
    await rejectsWith(first.plainExport.dotenv({ all: true }), 'PasswordChangeRequired');
    expect(await exportEntries(session)).toEqual([]);
  });

  it('refuses on a locked session and a member without grants exports nothing', async () => {
    const { session, vault } = await createdVault();
    await session.keys.create(secret('A', 'v1'));
    const bob = await signIn(vault, session, 'Bob', 'member');
    await rejectsWith(bob.session.plainExport.kdbx(FILE_PW), 'InvalidInput', 'keys');
    await session.lock();
    await rejectsWith(session.plainExport.dotenv({ all: true }), 'Locked');
  });
});
