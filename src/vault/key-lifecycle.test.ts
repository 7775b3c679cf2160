import { afterEach, describe, expect, it, vi } from 'vitest';
import { PASSWORD, TEST_ITERATIONS, createdVault, rejectsWith } from '../../test/unit/helpers';
import { DB, openKeywardDb } from '../storage';
import { DAY_MS } from './lifecycle';
import { VaultError, type KeyId, type KeyInput, type Session } from './index';

const created = createdVault;


const pasted = (over: Partial<KeyInput> = {}): KeyInput => ({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '', ...over });
const generated = (): KeyInput => ({ name: 'Webhook secret', value: 'ab'.repeat(32), format: 'hex', tags: [], notes: '', recipe: { bytes: 32, format: 'hex' } });

async function dumpStores(dbName: string, stores: string[]): Promise<string> {
  const db = await openKeywardDb({ name: dbName });
  const out: string[] = [];
  for (const store of stores) {
    const rows = await db.getAll(store as 'keys');
    out.push(JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
  }
  db.close();
  return out.join('\n');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('typed keys', () => {
  it.each([
    [{ kind: 'aes-gcm', length: 256 }, 'secret'],
    [{ kind: 'hmac', hash: 'SHA-512' }, 'secret'],
    [{ kind: 'ecdsa-p256' }, 'private'],
    [{ kind: 'ed25519' }, 'private'],
    [{ kind: 'rsa-oaep', modulusLength: 2048 }, 'private'],
    [{ kind: 'rsa-pss', modulusLength: 2048 }, 'private'],
  ] as const)('generates %j and exports it', async (algorithm, part) => {
    const { session, vault } = await created();
    const k = await session.keys.generate({ name: 'typed', algorithm, tags: ['t'], notes: '' });
    expect(k).toMatchObject({ kind: algorithm.kind, algorithm, hasPrivate: true, state: 'active', version: 1, canAutoRotate: true });
    const jwk = JSON.parse(await session.keys.export(k.id, { part, format: 'jwk' })) as JsonWebKey;
    expect(jwk.kty).toBeDefined();
    if (part === 'private') {
      expect(await session.keys.export(k.id, { part: 'public', format: 'pem' })).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      expect(await session.keys.export(k.id, { part: 'private', format: 'pem' })).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(JSON.parse(await session.keys.export(k.id, { part: 'public', format: 'jwk' })).d).toBeUndefined();
    } else {
      await rejectsWith(session.keys.export(k.id, { part: 'secret', format: 'pem' }), 'InvalidInput', 'format');
      await rejectsWith(session.keys.export(k.id, { part: 'public', format: 'jwk' }), 'InvalidInput', 'part');
    }
    await rejectsWith(session.keys.reveal(k.id), 'InvalidInput', 'kind');
    // The type is sealed: after a relock it comes back from storage.
    session.lock();
    const again = await vault.unlock({ password: PASSWORD });
    expect((await again.keys.get(k.id)).algorithm).toEqual(algorithm);
  });

  it('imports a public key on its own and a private key with its public half', async () => {
    const { session } = await created();
    const made = await session.keys.generate({ name: 'src', algorithm: { kind: 'ecdsa-p256' }, tags: [], notes: '' });
    const pubPem = await session.keys.export(made.id, { part: 'public', format: 'pem' });
    const privPem = await session.keys.export(made.id, { part: 'private', format: 'pem' });
    const pub = await session.keys.import({ name: 'partner', algorithm: { kind: 'ecdsa-p256' }, text: pubPem, tags: [], notes: '' });
    expect(pub).toMatchObject({ hasPrivate: false, canAutoRotate: false });
    expect(await session.keys.export(pub.id, { part: 'public', format: 'pem' })).toBe(pubPem);
    await rejectsWith(session.keys.export(pub.id, { part: 'private', format: 'pem' }), 'InvalidInput', 'part');
    const priv = await session.keys.import({ name: 'copy', algorithm: { kind: 'ecdsa-p256' }, text: privPem, tags: [], notes: '' });
    expect(await session.keys.export(priv.id, { part: 'public', format: 'pem' })).toBe(pubPem);
  });

  it.each([
    ['garbage', 'not a key', { kind: 'aes-gcm', length: 256 }],
    ['wrong type', '00'.repeat(16), { kind: 'aes-gcm', length: 256 }],
    ['hex for a pair', '00'.repeat(32), { kind: 'ed25519' }],
  ] as const)('refuses to import %s and writes nothing', async (_l, text, algorithm) => {
    const { session, dbName } = await created();
    await rejectsWith(session.keys.import({ name: 'x', algorithm, text, tags: [], notes: '' }), 'InvalidInput', 'material');
    const db = await openKeywardDb({ name: dbName });
    expect(await db.count(DB.stores.keys)).toBe(0);
    db.close();
  });

  it('refuses an unknown algorithm', async () => {
    const { session } = await created();
    await rejectsWith(session.keys.generate({ name: 'x', algorithm: { kind: 'dsa' } as never, tags: [], notes: '' }), 'InvalidInput', 'algorithm');
  });
});

describe('versions and rotation', () => {
  it('rotates a generated secret to fresh material; earlier versions stay readable', async () => {
    const { session, clock } = await created();
    const k = await session.keys.create(generated());
    clock.advance(1000);
    const r = await session.lifecycle.rotate(k.id);
    expect(r).toMatchObject({ version: 2, lastRotatedAt: k.createdAt + 1000 });
    const v2 = await session.keys.reveal(k.id);
    expect(v2).toMatch(/^[0-9a-f]{64}$/);
    expect(v2).not.toBe('ab'.repeat(32));
    expect(await session.keys.reveal(k.id, 1)).toBe('ab'.repeat(32));
    expect((await session.keys.versions(k.id)).map((v) => [v.version, v.status, v.origin])).toEqual([
      [2, 'current', 'generated'],
      [1, 'usable', 'generated'],
    ]);
  });

  it('rotates a generated typed key; the old public key is still exported for verification', async () => {
    const { session } = await created();
    const k = await session.keys.generate({ name: 'signer', algorithm: { kind: 'ed25519' }, tags: [], notes: '' });
    const p1 = await session.keys.export(k.id, { part: 'public', format: 'pem' });
    await session.lifecycle.rotate(k.id);
    const p2 = await session.keys.export(k.id, { part: 'public', format: 'pem' });
    expect(p2).not.toBe(p1);
    expect(await session.keys.export(k.id, { part: 'public', format: 'pem', version: 1 })).toBe(p1);
  });

  it('a pasted secret needs its new value to rotate', async () => {
    const { session } = await created();
    const k = await session.keys.create(pasted());
    expect(k.canAutoRotate).toBe(false);
    await rejectsWith(session.lifecycle.rotate(k.id), 'InvalidInput', 'value');
    await rejectsWith(session.lifecycle.rotate(k.id, { value: '' }), 'InvalidInput', 'value');
    expect((await session.lifecycle.rotate(k.id, { value: 'sk_live_2' })).version).toBe(2);
    expect(await session.keys.reveal(k.id)).toBe('sk_live_2');
    expect(await session.keys.reveal(k.id, 1)).toBe('sk_live_1');
  });

  it('retires versions below the oldest usable version', async () => {
    const { session } = await created();
    const k = await session.keys.create(generated());
    await session.lifecycle.rotate(k.id);
    await session.lifecycle.rotate(k.id);
    await session.lifecycle.setOldestUsableVersion(k.id, 3);
    await rejectsWith(session.keys.reveal(k.id, 2), 'KeyNotUsable');
    await rejectsWith(session.lifecycle.setOldestUsableVersion(k.id, 4), 'InvalidInput', 'oldestUsableVersion');
    await session.lifecycle.setOldestUsableVersion(k.id, 2); // lowering it again is allowed: the material is still there
    expect(await session.keys.reveal(k.id, 2)).toMatch(/^[0-9a-f]+$/);
    await rejectsWith(session.keys.reveal(k.id, 9), 'NotFound');
  });

  it('keeps the last N versions: trim erases the material of older ones', async () => {
    const { session, dbName } = await created();
    const k = await session.keys.create(generated());
    for (let i = 0; i < 12; i++) await session.lifecycle.rotate(k.id); // versions 1..13
    expect(await session.lifecycle.trimVersions(k.id)).toBe(3); // keep 10: 4..13
    expect(await session.lifecycle.trimVersions(k.id)).toBe(0);
    const after = await session.keys.get(k.id);
    expect(after.oldestUsableVersion).toBe(4);
    await rejectsWith(session.keys.reveal(k.id, 3), 'KeyNotUsable');
    const db = await openKeywardDb({ name: dbName });
    const rows = await db.getAllFromIndex(DB.stores.versions, 'byKey', k.id);
    expect(rows.filter((v) => v.sealedValue === null).map((v) => v.version)).toEqual([1, 2, 3]);
    db.close();
    await session.lifecycle.setKeepVersions(k.id, 2);
    expect(await session.lifecycle.trimVersions(k.id)).toBe(8);
    await rejectsWith(session.lifecycle.setKeepVersions(k.id, 0), 'InvalidInput', 'keepVersions');
    expect((await session.keys.versions(k.id)).filter((v) => v.status !== 'destroyed').map((v) => v.version)).toEqual([13, 12]);
  });
});

describe('states', () => {
  it('suspends and reactivates; a suspended key is not used', async () => {
    const { session } = await created();
    const k = await session.keys.create(pasted());
    await session.lifecycle.setState(k.id, 'suspended');
    await rejectsWith(session.keys.reveal(k.id), 'KeyNotUsable');
    await rejectsWith(session.lifecycle.rotate(k.id, { value: 'x2' }), 'KeyNotUsable');
    await session.lifecycle.setState(k.id, 'active');
    expect(await session.keys.reveal(k.id)).toBe('sk_live_1');
  });

  it('a deactivated key can still be read but not rotated, and never comes back', async () => {
    const { session } = await created();
    const k = await session.keys.create(generated());
    await session.lifecycle.setState(k.id, 'deactivated');
    expect(await session.keys.reveal(k.id)).toBe('ab'.repeat(32));
    await rejectsWith(session.lifecycle.rotate(k.id), 'KeyNotUsable');
    await rejectsWith(session.lifecycle.setState(k.id, 'active'), 'IllegalTransition');
    await rejectsWith(session.lifecycle.setState(k.id, 'destroyed'), 'IllegalTransition');
  });

  it('records every transition with time and actor', async () => {
    const { session, clock } = await created();
    const k = await session.keys.create(pasted());
    clock.advance(5000);
    await session.lifecycle.setState(k.id, 'suspended');
    clock.advance(5000);
    const back = await session.lifecycle.setState(k.id, 'active');
    expect(back.history.map((e) => [e.action, e.from, e.to, e.at, e.actor])).toEqual([
      ['created', undefined, 'active', k.createdAt, session.user.id],
      ['state', 'active', 'suspended', k.createdAt + 5000, session.user.id],
      ['state', 'suspended', 'active', k.createdAt + 10000, session.user.id],
    ]);
  });

  it('compromised needs a reason, and forces a rotation of a generated key at once', async () => {
    const { session, dbName } = await created();
    const k = await session.keys.create(generated());
    await rejectsWith(session.lifecycle.setState(k.id, 'compromised'), 'InvalidInput', 'reason');
    const after = await session.lifecycle.setState(k.id, 'compromised', { reason: 'pasted in a public chat' });
    expect(after).toMatchObject({ state: 'active', version: 2, compromiseReason: null });
    expect(after.history.map((e) => e.action)).toEqual(['created', 'state', 'rotated', 'state']);
    expect(after.history[1]).toMatchObject({ to: 'compromised', reason: 'pasted in a public chat', version: 1 });
    const versions = await session.keys.versions(k.id);
    expect(versions.map((v) => [v.version, v.compromised])).toEqual([
      [2, false],
      [1, true],
    ]);
    const db = await openKeywardDb({ name: dbName });
    expect((await db.get(DB.stores.versions, [k.id, 1]))?.compromisedAt).not.toBeNull();
    db.close();
  });

  it('a compromised pasted secret stays compromised and overdue until rotated with a new value', async () => {
    const { session, clock } = await created();
    const k = await session.keys.create(pasted());
    clock.advance(1000);
    const c = await session.lifecycle.setState(k.id, 'compromised', { reason: 'leaked' });
    expect(c).toMatchObject({ state: 'compromised', version: 1, compromiseReason: 'leaked', nextRotationAt: clock.now() });
    await rejectsWith(session.lifecycle.setState(k.id, 'active'), 'IllegalTransition');
    const fixed = await session.lifecycle.rotate(k.id, { value: 'sk_live_new' });
    expect(fixed).toMatchObject({ state: 'active', version: 2, compromiseReason: null });
  });

  it('a key with a future activation date is pre-active until then', async () => {
    const { session, clock } = await created();
    const k = await session.keys.create(pasted({ activationAt: clock.now() + 3 * DAY_MS }));
    expect(k.state).toBe('pre-activation');
    await rejectsWith(session.keys.reveal(k.id), 'KeyNotUsable');
    clock.advance(2 * DAY_MS);
    expect((await session.lifecycle.runDueWork()).activated).toEqual([]);
    clock.advance(DAY_MS);
    expect((await session.lifecycle.runDueWork()).activated).toEqual([k.id]);
    expect(await session.keys.reveal(k.id)).toBe('sk_live_1');
  });
});

describe('rotation policy and automatic rotation', () => {
  it('defaults to 90 days; due dates follow the policy', async () => {
    const { session } = await created();
    const k = await session.keys.create(pasted());
    expect(k.rotation).toEqual({ periodDays: 90, auto: false });
    expect(k.nextRotationAt).toBe(k.createdAt + 90 * DAY_MS);
    const p = await session.lifecycle.setRotationPolicy(k.id, { periodDays: 30, auto: false });
    expect(p.nextRotationAt).toBe(k.createdAt + 30 * DAY_MS);
    expect((await session.lifecycle.setRotationPolicy(k.id, { periodDays: null, auto: false })).nextRotationAt).toBeNull();
    for (const bad of [{ periodDays: 0, auto: false }, { periodDays: 3651, auto: false }, { periodDays: 1.5, auto: false }, { periodDays: 30, auto: 'yes' }]) {
      await rejectsWith(session.lifecycle.setRotationPolicy(k.id, bad as never), 'InvalidInput', 'rotation');
    }
  });

  it('rotates generated keys by itself when due, and leaves pasted ones overdue', async () => {
    const { session, clock } = await created();
    const gen = await session.keys.create({ ...generated(), rotation: { periodDays: 30, auto: true } });
    const typed = await session.keys.generate({ name: 'aes', algorithm: { kind: 'aes-gcm', length: 256 }, tags: [], notes: '', rotation: { periodDays: 30, auto: true } });
    const paste = await session.keys.create(pasted({ rotation: { periodDays: 30, auto: true } }));
    const manual = await session.keys.create({ ...generated(), rotation: { periodDays: 30, auto: false } });
    clock.advance(30 * DAY_MS - 1);
    expect((await session.lifecycle.runDueWork()).rotated).toEqual([]);
    clock.advance(1);
    const work = await session.lifecycle.runDueWork();
    expect(work.rotated.sort()).toEqual([gen.id, typed.id].sort());
    expect((await session.keys.get(gen.id)).nextRotationAt).toBe(clock.now() + 30 * DAY_MS);
    expect((await session.keys.get(paste.id)).version).toBe(1);
    expect((await session.keys.get(manual.id)).version).toBe(1);
    expect((await session.lifecycle.runDueWork()).rotated).toEqual([]);
  });
});

describe('scheduled destruction', () => {
  it('waits 30 days by default, can be cancelled, and refuses use meanwhile', async () => {
    const { session, clock } = await created();
    const k = await session.keys.create(pasted());
    const s = await session.lifecycle.scheduleDestruction(k.id);
    expect(s.destroyAt).toBe(clock.now() + 30 * DAY_MS);
    await rejectsWith(session.keys.reveal(k.id), 'KeyNotUsable');
    clock.advance(29 * DAY_MS);
    expect((await session.lifecycle.runDueWork()).destroyed).toEqual([]);
    const c = await session.lifecycle.cancelDestruction(k.id);
    expect(c.destroyAt).toBeNull();
    expect(await session.keys.reveal(k.id)).toBe('sk_live_1');
    await rejectsWith(session.lifecycle.cancelDestruction(k.id), 'IllegalTransition');
  });

  it.each([6, 31, 7.5])('refuses a waiting period of %s days', async (days) => {
    const { session } = await created();
    const k = await session.keys.create(pasted());
    await rejectsWith(session.lifecycle.scheduleDestruction(k.id, days), 'InvalidInput', 'destructionDays');
  });

  it('erases the material of every version and keeps the metadata', async () => {
    const { session, clock, dbName, vault } = await created();
    const k = await session.keys.create(generated());
    await session.lifecycle.rotate(k.id);
    await session.lifecycle.scheduleDestruction(k.id, 7);
    clock.advance(7 * DAY_MS);
    expect((await session.lifecycle.runDueWork()).destroyed).toEqual([k.id]);
    const db = await openKeywardDb({ name: dbName });
    const rows = await db.getAllFromIndex(DB.stores.versions, 'byKey', k.id);
    expect(rows.map((v) => [v.version, v.sealedValue, v.destroyedAt])).toEqual([
      [1, null, clock.now()],
      [2, null, clock.now()],
    ]);
    db.close();
    session.lock();
    const again = await vault.unlock({ password: PASSWORD });
    const d = await again.keys.get(k.id);
    expect(d).toMatchObject({ name: 'Webhook secret', state: 'destroyed', destroyAt: null });
    await rejectsWith(again.keys.reveal(k.id, 1), 'KeyNotUsable');
    await rejectsWith(again.lifecycle.rotate(k.id), 'KeyNotUsable');
    await rejectsWith(again.lifecycle.scheduleDestruction(k.id), 'IllegalTransition');
  });
});

describe('vault-level keys', () => {
  const RECORD_STORES = [DB.stores.keys, DB.stores.versions, DB.stores.grants];

  async function withKeys(n: number) {
    const c = await created();
    const ids: KeyId[] = [];
    for (let i = 0; i < n; i++) ids.push((await c.session.keys.create(pasted({ name: `k${i}`, value: `value-${i}` }))).id);
    return { ...c, ids };
  }

  async function readAll(session: Session, ids: KeyId[]) {
    return Promise.all(ids.map((id) => session.keys.reveal(id)));
  }

  it('changing the password re-wraps the user key only: every record is byte-identical', async () => {
    const { session, dbName, vault, ids } = await withKeys(5);
    const before = await dumpStores(dbName, RECORD_STORES);
    const userBefore = await dumpStores(dbName, [DB.stores.users]);
    await rejectsWith(session.credentials.changePassword('not the password', 'a whole new passphrase'), 'WrongPassword');
    await rejectsWith(session.credentials.changePassword(PASSWORD, 'short'), 'PasswordTooShort');
    expect(await dumpStores(dbName, [DB.stores.users])).toBe(userBefore);
    await session.credentials.changePassword(PASSWORD, 'a whole new passphrase');
    expect(await dumpStores(dbName, RECORD_STORES)).toBe(before);
    expect(await dumpStores(dbName, [DB.stores.users])).not.toBe(userBefore);
    session.lock();
    await rejectsWith(vault.unlock({ password: PASSWORD }), 'WrongPassword');
    const again = await vault.unlock({ password: 'a whole new passphrase' });
    expect(await readAll(again, ids)).toEqual(ids.map((_, i) => `value-${i}`));
  });

  it('unlock raises stored iterations below the default, without touching records', async () => {
    const { session, dbName, ids } = await withKeys(3);
    session.lock();
    const before = await dumpStores(dbName, RECORD_STORES);
    const { openVault } = await import('./index');
    const stricter = await openVault({ dbName, kdfFloor: 200_000 });
    const s = await stricter.unlock({ password: PASSWORD });
    expect(s.kdfUpgrade).toEqual({ from: TEST_ITERATIONS, to: 200_000 });
    expect(s.kdfIterations).toBe(200_000);
    expect(await readAll(s, ids)).toEqual(['value-0', 'value-1', 'value-2']);
    expect(await dumpStores(dbName, RECORD_STORES)).toBe(before);
    const db = await openKeywardDb({ name: dbName });
    expect((await db.getAll(DB.stores.users))[0]!.kdf.iterations).toBe(200_000);
    db.close();
    const s2 = await stricter.unlock({ password: PASSWORD });
    expect(s2.kdfUpgrade).toBeNull();
  });

  it('rotating the user key re-wraps every data key in one go; values are untouched', async () => {
    const { session, dbName, vault, ids } = await withKeys(6);
    const versionsBefore = await dumpStores(dbName, [DB.stores.versions, DB.stores.keys]);
    const grantsBefore = await dumpStores(dbName, [DB.stores.grants]);
    await rejectsWith(session.credentials.rotateUserKey('wrong password!!'), 'WrongPassword');
    expect(await session.credentials.rotateUserKey(PASSWORD)).toBe(6);
    expect(await dumpStores(dbName, [DB.stores.versions, DB.stores.keys])).toBe(versionsBefore);
    const db = await openKeywardDb({ name: dbName });
    const grants = await db.getAll(DB.stores.grants);
    db.close();
    const old = JSON.parse(grantsBefore) as { wrappedDek: string }[];
    expect(grants.every((g, i) => Buffer.from(g.wrappedDek!).toString('hex') !== old[i]!.wrappedDek)).toBe(true);
    // The live session goes on, and a fresh unlock reads everything.
    expect(await readAll(session, ids)).toHaveLength(6);
    await session.keys.create(pasted({ name: 'after' }));
    session.lock();
    const again = await vault.unlock({ password: PASSWORD });
    expect(await readAll(again, ids)).toEqual(ids.map((_, i) => `value-${i}`));
    expect(await again.keys.list()).toHaveLength(7);
  });
});

describe('all or nothing', () => {
  it('a failure after half the data keys are prepared leaves the vault unchanged and usable', async () => {
    const c = await created();
    const ids: KeyId[] = [];
    for (let i = 0; i < 10; i++) ids.push((await c.session.keys.create(pasted({ name: `k${i}`, value: `v${i}` }))).id);
    const all = [DB.stores.users, DB.stores.keys, DB.stores.versions, DB.stores.grants];
    const before = await dumpStores(c.dbName, all);
    const realWrap = crypto.subtle.wrapKey.bind(crypto.subtle);
    let calls = 0;
    vi.spyOn(crypto.subtle, 'wrapKey').mockImplementation(async (...args) => {
      if (++calls === 6) throw new Error('injected failure after 5 of 10 data keys');
      return realWrap(...args);
    });
    await expect(c.session.credentials.rotateUserKey(PASSWORD)).rejects.toBeInstanceOf(VaultError);
    vi.restoreAllMocks();
    expect(await dumpStores(c.dbName, all)).toBe(before);
    expect(await c.session.keys.reveal(ids[9]!)).toBe('v9');
    c.session.lock();
    const again = await c.vault.unlock({ password: PASSWORD });
    expect(await Promise.all(ids.map((id) => again.keys.reveal(id)))).toEqual(ids.map((_, i) => `v${i}`));
  });

  it('a storage failure in the middle of the write keeps nothing of it', async () => {
    const c = await created();
    const ids: KeyId[] = [];
    for (let i = 0; i < 10; i++) ids.push((await c.session.keys.create(generated())).id);
    for (const id of ids) await c.session.lifecycle.rotate(id);
    await c.session.lifecycle.scheduleDestruction(ids[0]!, 7);
    c.clock.advance(7 * DAY_MS);
    const all = [DB.stores.users, DB.stores.keys, DB.stores.versions, DB.stores.grants];
    const before = await dumpStores(c.dbName, all);
    const proto = globalThis.IDBObjectStore.prototype;
    const realPut = proto.put;
    let puts = 0;
    let failAt = 5;
    vi.spyOn(proto, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (++puts === failAt) throw new DOMException('injected: disk full', 'QuotaExceededError');
      return realPut.apply(this, args);
    });
    // User-key rotation: the user row and 3 of 10 grants are written when the failure hits.
    await rejectsWith(c.session.credentials.rotateUserKey(PASSWORD), 'StorageFull');
    // Destruction of a key with two versions: the failure hits after the key row and the first version.
    puts = 0;
    failAt = 3;
    await rejectsWith(c.session.lifecycle.runDueWork(), 'StorageFull');
    vi.restoreAllMocks();
    expect(await dumpStores(c.dbName, all)).toBe(before);
    c.session.lock();
    const again = await c.vault.unlock({ password: PASSWORD });
    for (const id of ids.slice(1)) expect(await again.keys.reveal(id, 1)).toBe('ab'.repeat(32));
    // The destruction that failed runs again, complete, on the next pass.
    expect((await again.lifecycle.runDueWork()).destroyed).toEqual([ids[0]]);
  });
});

describe('work that falls due by itself', () => {
  it('is credited to the system, not to the person signed in', async () => {
    const { session, clock } = await created();
    const k = await session.keys.create({ ...generated(), rotation: { periodDays: 1, auto: true } });
    clock.advance(DAY_MS);
    await session.lifecycle.runDueWork();
    const rotated = (await session.keys.get(k.id)).history.at(-1)!;
    expect(rotated).toMatchObject({ action: 'rotated', actor: 'system' });
    const log = await session.audit.report({ actions: ['key.rotate'] });
    expect(log.page.map((e) => e.actor)).toEqual(['system']);
  });

  it('marks a key waiting for destruction compromised without rotating it', async () => {
    const { session } = await created();
    const k = await session.keys.create(generated());
    await session.lifecycle.scheduleDestruction(k.id, 7);
    const c = await session.lifecycle.setState(k.id, 'compromised', { reason: 'leaked' });
    expect(c).toMatchObject({ state: 'compromised', version: 1 });
  });
});
