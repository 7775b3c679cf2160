import { describe, expect, it, vi } from 'vitest';
import { PASSWORD, TEST_ITERATIONS, createdVault, freshDbName, newVault, rejectsWith } from '../../test/unit/helpers';
import { openKeywardDb, DB } from '../storage';
import { DEFAULT_SETTINGS, openVault, VaultError, type KeyId, type KeyInput, type Session } from './index';

const secret = (over: Partial<KeyInput> = {}): KeyInput => ({
  name: 'Stripe live key',
  value: 'sk_live_abc123',
  format: 'text',
  tags: ['payments', 'prod'],
  notes: 'rotated at the provider',
  ...over,
});

const created = createdVault;


describe('creating a vault', () => {
  it('starts empty and exists once created, with the owner signed in', async () => {
    const { vault } = await newVault();
    expect(await vault.exists()).toBe(false);
    const session = await vault.create({ ownerName: '  Ada  ', password: PASSWORD, iterations: TEST_ITERATIONS });
    expect(await vault.exists()).toBe(true);
    expect(session.user).toMatchObject({ name: 'Ada', role: 'owner' });
    expect(session.kdfIterations).toBe(TEST_ITERATIONS);
    expect(session.settings.current()).toEqual(DEFAULT_SETTINGS);
    expect(await vault.users()).toEqual([{ id: session.user.id, name: 'Ada' }]);
  });

  it.each([
    ['', 'PasswordTooShort'],
    ['123456789', 'PasswordTooShort'],
    ['😀😀😀😀😀😀😀😀😀', 'PasswordTooShort'], // 9 characters though 18 UTF-16 units
  ])('refuses the password %j', async (password, code) => {
    const { vault } = await newVault();
    await rejectsWith(vault.create({ ownerName: 'Ada', password, iterations: TEST_ITERATIONS }), code, 'password');
    expect(await vault.exists()).toBe(false);
  });

  it('refuses a password with a lone surrogate, which would collide with other strings', async () => {
    const { vault } = await newVault();
    await rejectsWith(vault.create({ ownerName: 'Ada', password: 'long enough \uD800 pw', iterations: TEST_ITERATIONS }), 'InvalidInput', 'password');
  });

  it.each([[''], ['   '], ['x'.repeat(101)]])('refuses the owner name %j', async (ownerName) => {
    const { vault } = await newVault();
    await rejectsWith(vault.create({ ownerName, password: PASSWORD, iterations: TEST_ITERATIONS }), 'InvalidInput', 'ownerName');
  });

  it('refuses iteration counts outside the bounds', async () => {
    const { vault } = await newVault();
    await rejectsWith(vault.create({ ownerName: 'Ada', password: PASSWORD, iterations: 1000 }), 'InvalidInput', 'iterations');
  });

  it('refuses a second vault', async () => {
    const { vault } = await created();
    await rejectsWith(vault.create({ ownerName: 'Eve', password: PASSWORD, iterations: TEST_ITERATIONS }), 'VaultExists');
  });

  it('stores the KDF parameters beside the wrapped user key, and a 16-byte salt unique per vault', async () => {
    const a = await created();
    const b = await created();
    const read = async (name: string) => {
      const db = await openKeywardDb({ name });
      const [user] = await db.getAll(DB.stores.users);
      db.close();
      return user!;
    };
    const ua = await read(a.dbName);
    const ub = await read(b.dbName);
    expect(ua.kdf).toMatchObject({ name: 'PBKDF2-HMAC-SHA256', iterations: TEST_ITERATIONS });
    expect(ua.kdf.salt).toHaveLength(16);
    expect(ua.kdf.salt).not.toEqual(ub.kdf.salt);
  });
});

describe('unlocking and locking', () => {
  it('unlocks with the right password, including non-ASCII ones', async () => {
    for (const password of ['pǻssword-long-enough', '😀🔑😀🔑😀🔑😀🔑😀🔑']) {
      const { vault } = await newVault();
      const first = await vault.create({ ownerName: 'Ada', password, iterations: TEST_ITERATIONS });
      const key = await first.keys.create(secret());
      first.lock();
      const again = await vault.unlock({ password });
      expect(await again.keys.reveal(key.id)).toBe('sk_live_abc123');
    }
  });

  it('treats the NFD form of a password as the same password', async () => {
    const { vault } = await newVault();
    await vault.create({ ownerName: 'Ada', password: 'pǻssword-long-enough'.normalize('NFC'), iterations: TEST_ITERATIONS });
    await expect(vault.unlock({ password: 'pǻssword-long-enough'.normalize('NFD') })).resolves.toBeDefined();
  });

  it.each([['correct horse battery stapl'], ['Correct horse battery staple'], [''], [' correct horse battery staple'], ['correct horse battery staple\uD800']])(
    'refuses %j with one message and no hint',
    async (password) => {
      const { vault } = await created();
      const error = await vault.unlock({ password }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultError);
      expect((error as VaultError).code).toBe('WrongPassword');
      expect((error as VaultError).message).toBe('the password does not open this vault');
    },
  );

  it('answers an unknown user exactly like a wrong password', async () => {
    const { vault } = await created();
    const error = (await vault.unlock({ password: PASSWORD, userId: 'nobody' as never }).catch((e: unknown) => e)) as VaultError;
    expect(error.code).toBe('WrongPassword');
    expect(error.message).toBe('the password does not open this vault');
  });

  it('says there is no vault when none exists', async () => {
    const { vault } = await newVault();
    await rejectsWith(vault.unlock({ password: PASSWORD }), 'NoVault');
  });

  it('reopens from storage alone: a new page load unlocks and reads the same keys', async () => {
    const { dbName, session } = await created();
    const key = await session.keys.create(secret());
    const reopened = await openVault({ dbName, kdfFloor: TEST_ITERATIONS });
    const s2 = await reopened.unlock({ password: PASSWORD });
    expect((await s2.keys.list()).map((k) => k.name)).toEqual(['Stripe live key']);
    expect(await s2.keys.reveal(key.id)).toBe('sk_live_abc123');
  });

  it('lock drops every key: each operation then fails with Locked, and onLock listeners run once', async () => {
    const { session } = await created();
    const key = await session.keys.create(secret());
    let calls = 0;
    session.onLock(() => calls++);
    session.lock();
    session.lock();
    expect(calls).toBe(1);
    expect(session.locked).toBe(true);
    for (const op of [
      () => session.keys.list(),
      () => session.keys.reveal(key.id),
      () => session.keys.create(secret()),
      () => session.keys.update(key.id, { name: 'x' }),
      () => session.lifecycle.remove(key.id),
      () => session.settings.update({ autoLockMinutes: 5 }),
    ]) {
      await rejectsWith(op(), 'Locked');
    }
    expect(() => session.settings.current()).toThrow(VaultError);
  });

  it('keeps nothing decrypted when lock() happens while the list is being decrypted', async () => {
    const { vault } = await created();
    const s = await vault.unlock({ password: PASSWORD });
    await s.keys.create(secret());
    const s2 = await vault.unlock({ password: PASSWORD });
    const listing = s2.keys.list();
    s2.lock();
    await rejectsWith(listing, 'Locked');
  });

  it('refuses stored iteration counts outside the bounds instead of running them', async () => {
    const { vault, dbName } = await created();
    const db = await openKeywardDb({ name: dbName });
    const [user] = await db.getAll(DB.stores.users);
    await db.put(DB.stores.users, { ...user!, kdf: { ...user!.kdf, iterations: 2_000_000_000 } });
    db.close();
    await rejectsWith(vault.unlock({ password: PASSWORD }), 'Corrupt');
  });
});

describe('key records', () => {
  it('creates, lists, reveals, edits and deletes', async () => {
    const { session, clock } = await created();
    const a = await session.keys.create(secret());
    clock.advance(1000);
    const b = await session.keys.create(secret({ name: 'GitHub token', value: 'ghp_xyz', tags: ['ci'], notes: '' }));
    expect(a).toMatchObject({ name: 'Stripe live key', format: 'text', tags: ['payments', 'prod'], version: 1, kind: 'secret' });
    expect((await session.keys.list()).map((k) => k.name).sort()).toEqual(['GitHub token', 'Stripe live key']);
    expect(await session.keys.reveal(b.id)).toBe('ghp_xyz');

    clock.advance(1000);
    const renamed = await session.keys.update(a.id, { name: 'Stripe (live)', tags: ['payments'] });
    expect(renamed).toMatchObject({ name: 'Stripe (live)', tags: ['payments'], version: 1, createdAt: a.createdAt });
    expect(renamed.updatedAt).toBe(a.updatedAt + 2000);
    expect(await session.keys.reveal(a.id)).toBe('sk_live_abc123');

    const changed = await session.keys.update(a.id, { value: 'sk_live_new' });
    expect(changed.version).toBe(2);
    expect(await session.keys.reveal(a.id)).toBe('sk_live_new');

    // Deleting is destruction after a waiting period (issue #3), then removal of what is left.
    await rejectsWith(session.lifecycle.remove(a.id), 'IllegalTransition');
    await session.lifecycle.scheduleDestruction(a.id, 7);
    clock.advance(7 * 86_400_000);
    expect((await session.lifecycle.runDueWork()).destroyed).toEqual([a.id]);
    await session.lifecycle.remove(a.id);
    expect((await session.keys.list()).map((k) => k.id)).toEqual([b.id]);
    await rejectsWith(session.keys.reveal(a.id), 'NotFound');
    await rejectsWith(session.lifecycle.remove(a.id), 'NotFound');
  });

  it('keeps every version of a value and leaves no orphan rows after delete', async () => {
    const { session, dbName, clock } = await created();
    const k = await session.keys.create(secret());
    await session.keys.update(k.id, { value: 'v2' });
    await session.keys.update(k.id, { value: 'v3' });
    await session.keys.update(k.id, { value: 'v3' }); // same value: no new version
    const db = await openKeywardDb({ name: dbName });
    expect((await db.getAllFromIndex(DB.stores.versions, 'byKey', k.id)).map((v) => v.version)).toEqual([1, 2, 3]);
    await session.lifecycle.scheduleDestruction(k.id);
    clock.advance(30 * 86_400_000);
    await session.lifecycle.runDueWork();
    await session.lifecycle.remove(k.id);
    expect(await db.count(DB.stores.versions)).toBe(0);
    expect(await db.count(DB.stores.grants)).toBe(0);
    expect(await db.count(DB.stores.keys)).toBe(0);
    db.close();
  });

  it('survives a relock: a new session decrypts names, tags and notes from storage', async () => {
    const { vault, session } = await created();
    await session.keys.create(secret({ name: 'ключ 🔑', tags: ['ünïcode'], notes: 'line1\nline2' }));
    session.lock();
    const s2 = await vault.unlock({ password: PASSWORD });
    expect(await s2.keys.list()).toEqual([expect.objectContaining({ name: 'ключ 🔑', tags: ['ünïcode'], notes: 'line1\nline2' })]);
  });

  it.each<[string, Partial<KeyInput>, string]>([
    ['empty name', { name: '   ' }, 'name'],
    ['long name', { name: 'n'.repeat(201) }, 'name'],
    ['empty value', { value: '' }, 'value'],
    ['value over 64 KiB', { value: 'v'.repeat(64 * 1024 + 1) }, 'value'],
    ['bad hex', { format: 'hex', value: 'abc' }, 'value'],
    ['bad base64', { format: 'base64', value: 'a b c' }, 'value'],
    ['bad base64url', { format: 'base64url', value: 'ab+/' }, 'value'],
    ['unknown format', { format: 'pem' as never }, 'format'],
    ['long tag', { tags: ['t'.repeat(51)] }, 'tags'],
    ['too many tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ['tags not a list', { tags: 'a,b' as never }, 'tags'],
    ['long notes', { notes: 'n'.repeat(10_001) }, 'notes'],
  ])('refuses %s, naming the field, and writes nothing', async (_label, over, field) => {
    const { session, dbName } = await created();
    await rejectsWith(session.keys.create(secret(over)), 'InvalidInput', field);
    const db = await openKeywardDb({ name: dbName });
    expect(await db.count(DB.stores.keys)).toBe(0);
    db.close();
  });

  it('accepts generated encodings in their format and trims/dedupes tags', async () => {
    const { session } = await created();
    const k = await session.keys.create(secret({ format: 'hex', value: '00ff'.repeat(8) + 'ab', tags: [' a ', 'a', '', 'b'] }));
    expect(k.tags).toEqual(['a', 'b']);
    await rejectsWith(session.keys.update(k.id, { format: 'base64url', value: 'zz==' }), 'InvalidInput', 'value');
    await rejectsWith(session.keys.update(k.id, { format: 'base64' }), 'InvalidInput', 'value'); // 34 hex digits are not base64
    expect((await session.keys.get(k.id)).format).toBe('hex');
  });

  it('reports NotFound for unknown ids', async () => {
    const { session } = await created();
    const ghost = 'no-such-key' as KeyId;
    await rejectsWith(session.keys.reveal(ghost), 'NotFound');
    await rejectsWith(session.keys.update(ghost, { name: 'x' }), 'NotFound');
    await rejectsWith(session.keys.get(ghost), 'NotFound');
  });
});

describe('what reaches storage', () => {
  async function dump(dbName: string): Promise<string> {
    const db = await openKeywardDb({ name: dbName });
    const parts: string[] = [];
    for (const store of Object.values(DB.stores)) {
      for (const row of await db.getAll(store)) {
        parts.push(JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') + Buffer.from(v).toString('base64') : v)));
      }
    }
    db.close();
    return parts.join('\n');
  }

  it('holds no plaintext name, value, tag, note or password', async () => {
    const { session, dbName } = await created();
    await session.keys.create(secret({ name: 'NAME-SENTINEL-42', value: 'VALUE-SENTINEL-77', tags: ['TAG-SENTINEL'], notes: 'NOTE-SENTINEL' }));
    const text = await dump(dbName);
    expect(text).toContain('Ada'); // the dump is real: the plaintext user name is there
    for (const s of ['NAME-SENTINEL-42', 'VALUE-SENTINEL-77', 'TAG-SENTINEL', 'NOTE-SENTINEL', PASSWORD, Buffer.from('VALUE-SENTINEL-77').toString('base64')]) {
      expect(text).not.toContain(s);
    }
  });

  it('fails closed when ciphertexts are swapped between records', async () => {
    const { vault, session, dbName } = await created();
    const a = await session.keys.create(secret({ value: 'value-A' }));
    const b = await session.keys.create(secret({ value: 'value-B' }));
    const db = await openKeywardDb({ name: dbName });
    const va = (await db.get(DB.stores.versions, [a.id, 1]))!;
    const vb = (await db.get(DB.stores.versions, [b.id, 1]))!;
    await db.put(DB.stores.versions, { ...va, sealedValue: vb.sealedValue });
    const ka = (await db.get(DB.stores.keys, a.id))!;
    const kb = (await db.get(DB.stores.keys, b.id))!;
    db.close();
    const s2 = await vault.unlock({ password: PASSWORD });
    await rejectsWith(s2.keys.reveal(a.id), 'Corrupt');
    expect(await s2.keys.reveal(b.id)).toBe('value-B');
    // Swapping the sealed metadata never shows B's name under A: A is left out and reported, the rest still lists
    // (issue #14: fail closed, not bricked — before it, the whole list failed with Corrupt).
    const db2 = await openKeywardDb({ name: dbName });
    await db2.put(DB.stores.keys, { ...ka, sealedMeta: kb.sealedMeta });
    db2.close();
    const s3 = await vault.unlock({ password: PASSWORD });
    expect((await s3.keys.list()).map((k) => [k.id, k.name])).toEqual([[b.id, b.name]]);
    expect(s3.keys.unreadable()).toEqual([{ id: a.id, why: 'its grant or metadata does not open' }]);
  });
});

describe('settings', () => {
  it('saves within bounds and keeps them across unlocks', async () => {
    const { vault, session } = await created();
    expect(await session.settings.update({ autoLockMinutes: 5, clipboardClearSeconds: 60 })).toEqual({ autoLockMinutes: 5, clipboardClearSeconds: 60 });
    session.lock();
    expect((await vault.unlock({ password: PASSWORD })).settings.current()).toEqual({ autoLockMinutes: 5, clipboardClearSeconds: 60 });
  });

  it.each([
    [{ autoLockMinutes: 0 }, 'autoLockMinutes'],
    [{ autoLockMinutes: 1441 }, 'autoLockMinutes'],
    [{ autoLockMinutes: 2.5 }, 'autoLockMinutes'],
    [{ clipboardClearSeconds: 4 }, 'clipboardClearSeconds'],
    [{ clipboardClearSeconds: Number.NaN }, 'clipboardClearSeconds'],
  ])('refuses %j', async (patch, field) => {
    const { session } = await created();
    await rejectsWith(session.settings.update(patch), 'InvalidInput', field);
    expect(session.settings.current()).toEqual(DEFAULT_SETTINGS);
  });
});

describe('openVault', () => {
  it('reports NoStorage where IndexedDB is missing', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error simulating a browser without IndexedDB
    delete globalThis.indexedDB;
    try {
      await rejectsWith(openVault({ dbName: freshDbName() }), 'NoStorage');
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});

export type { Session };

describe('loading the list', () => {
  it('decrypts each key once however many callers ask at the same time', async () => {
    const { vault, session } = await created();
    for (let i = 0; i < 5; i++) await session.keys.create(secret({ name: `k${i}` }));
    await session.lock();
    const s = await vault.unlock({ password: PASSWORD });
    const calls = { n: 0 };
    const real = crypto.subtle.unwrapKey.bind(crypto.subtle);
    const spy = vi.spyOn(crypto.subtle, 'unwrapKey').mockImplementation((...args) => {
      calls.n++;
      return real(...args);
    });
    const lists = await Promise.all([s.keys.list(), s.keys.list(), s.keys.list()]);
    spy.mockRestore();
    expect(lists.map((l) => l.length)).toEqual([5, 5, 5]);
    expect(calls.n).toBeLessThanOrEqual(5); // one unwrap per key at most (the unlock may already have loaded them)
  });
});
