// Secret hygiene at lock (issue 8 point 6): once a session is locked, every method refuses, and no unwrapped key,
// decrypted byte string, exported JWK or decrypted record it made is still reachable from it — checked with the garbage
// collector: every such object is tracked by a WeakRef as WebCrypto and the JSON parser hand it out, the test keeps the
// locked session and its vault alive, and after a full collection every tracked object must be gone.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createdVault, PASSWORD } from '../../test/unit/helpers';
import { isVaultError } from './errors';
import type { KeyId } from './types';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collectGarbage(): Promise<void> {
  // WeakRef targets live at least until the end of the current job; let several jobs pass between collections.
  for (let i = 0; i < 6; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
}

interface Tracked {
  readonly what: string;
  readonly ref: WeakRef<object>;
}

/** Wraps the WebCrypto calls that hand out keys or plaintext, and JSON.parse for decrypted records, keeping only WeakRefs. */
function trackSecrets(): { tracked: Tracked[]; stop: () => void } {
  const tracked: Tracked[] = [];
  const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const keep = (what: string, value: unknown) => {
    if (value instanceof CryptoKey || value instanceof ArrayBuffer) tracked.push({ what: `${what} → ${value instanceof CryptoKey ? `CryptoKey ${value.algorithm.name}` : 'bytes'}`, ref: new WeakRef(value) });
    else if (value && typeof value === 'object') {
      const pair = value as Partial<CryptoKeyPair>;
      if (pair.privateKey instanceof CryptoKey) keep(what, pair.privateKey);
      if (pair.publicKey instanceof CryptoKey) keep(what, pair.publicKey);
      if (!pair.privateKey) tracked.push({ what: `${what} → object`, ref: new WeakRef(value) });
    }
  };
  const methods = ['unwrapKey', 'importKey', 'deriveKey', 'deriveBits', 'decrypt', 'exportKey', 'generateKey'];
  const originals = new Map(methods.map((m) => [m, subtle[m]!]));
  for (const [name, original] of originals) {
    subtle[name] = async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(crypto.subtle, args);
      keep(name, result);
      return result;
    };
  }
  const parse = JSON.parse;
  JSON.parse = function (text: string, reviver?: (key: string, value: unknown) => unknown) {
    const result = parse.call(JSON, text, reviver) as unknown;
    // Decrypted key records (their metadata with history) and typed-key material (JWKs).
    if (result && typeof result === 'object' && ('history' in result || 'privateKey' in result || 'secret' in result || 'kty' in result)) keep('JSON.parse', result);
    return result;
  };
  return {
    tracked,
    stop: () => {
      for (const name of methods) delete subtle[name];
      JSON.parse = parse;
    },
  };
}

let stopTracking: (() => void) | null = null;
afterEach(() => stopTracking?.());

describe('lock', () => {
  it('leaves no key, plaintext or decrypted record reachable from the locked session or its vault', async () => {
    const { vault, session: first } = await createdVault();
    const secret = await first.keys.create({ name: 'Stripe', value: 'sk_live_hygiene_1', format: 'text', tags: ['pay'], notes: 'rotate monthly' });
    const signer = await first.keys.generate({ name: 'Signer', algorithm: { kind: 'ecdsa-p256' }, tags: [], notes: '' });
    await first.lock();

    const { tracked, stop } = trackSecrets();
    stopTracking = stop;
    const session = await vault.unlock({ password: PASSWORD });
    expect((await session.keys.list()).map((k) => k.name).sort()).toEqual(['Signer', 'Stripe']);
    expect(await session.keys.reveal(secret.id)).toBe('sk_live_hygiene_1');
    expect(await session.keys.export(signer.id, { part: 'private', format: 'pem' })).toContain('PRIVATE KEY');
    await session.audit.report({});
    await session.audit.check();
    await session.lifecycle.rotate(secret.id, { value: 'sk_live_hygiene_2' });
    await session.lock();
    stop();

    // Something was tracked while unlocked: the user key, data keys, decrypted values and records.
    expect(tracked.filter((t) => t.what.includes('CryptoKey')).length).toBeGreaterThan(3);
    expect(tracked.some((t) => t.what.startsWith('JSON.parse'))).toBe(true);

    await collectGarbage();
    const alive = tracked.filter((t) => t.ref.deref() !== undefined).map((t) => t.what);
    expect(alive, 'still reachable after lock').toEqual([]);
    // The session and vault themselves are still here (the test holds them): the check above means something.
    expect(session.locked).toBe(true);
    vault.close();
  });

  it('makes every method refuse: the Locked error for everything that reads or writes the vault', async () => {
    const { vault, session } = await createdVault();
    const k = await session.keys.create({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    await session.lock();
    const id = k.id as KeyId;
    const args: Record<string, unknown[]> = {
      start: [{}],
      'audit.check': [],
      'audit.archiveAndTrim': [1],
      'backup.export': [{ password: PASSWORD, useVaultPassword: true }],
      'backup.dump': ['test'],
      'backup.importRecords': [{ add: [], replace: [] }, {}],
      'audit.report': [{}],
      'audit.export': [{}, 'json'],
      'audit.record': [{ action: 'key.reveal', keyId: id }],
      'settings.update': [{ autoLockMinutes: 5 }],
      'credentials.changePassword': [PASSWORD, 'another long password'],
      'credentials.rotateUserKey': [PASSWORD],
      'keys.get': [id],
      'keys.versions': [id],
      'keys.reveal': [id],
      'keys.export': [id, { part: 'secret', format: 'jwk' }],
      'keys.create': [{ name: 'x', value: 'y', format: 'text', tags: [], notes: '' }],
      'keys.generate': [{ name: 'x', algorithm: { kind: 'aes-gcm', length: 256 }, tags: [], notes: '' }],
      'keys.import': [{ name: 'x', algorithm: { kind: 'aes-gcm', length: 256 }, tags: [], notes: '', text: '00'.repeat(32) }],
      'keys.update': [id, { name: 'y' }],
      'lifecycle.rotate': [id, { value: 'z' }],
      'lifecycle.setState': [id, 'suspended'],
      'lifecycle.setRotationPolicy': [id, { periodDays: 30, auto: false }],
      'lifecycle.setOldestUsableVersion': [id, 1],
      'lifecycle.setKeepVersions': [id, 5],
      'lifecycle.trimVersions': [id],
      'lifecycle.scheduleDestruction': [id, 7],
      'lifecycle.cancelDestruction': [id],
      'lifecycle.remove': [id],
      'imports.duplicates': [[{ name: 'Stripe', value: 'sk_live_1', tags: [], notes: '', entry: 0 }]],
      'imports.importKeys': ['dotenv', [{ name: 'x', value: 'y', tags: [], notes: '', entry: 0 }]],
      'plainExport.preview': [{ all: true }],
      'plainExport.dotenv': [{ ids: [id] }],
      'plainExport.kdbx': ['a long file password'],
      'passkeys.list': [],
      'passkeys.begin': [PASSWORD],
      'passkeys.remove': ['some-slot-id'],
    };
    // Not refusals: lock() is idempotent, onLock() registers a callback; neither reads or hands out anything.
    const exempt = new Set(['constructor', 'lock', 'onLock']);
    // Every method of the session and of each of its modules (issue #13), named "module.method".
    const parts: [string, object][] = [['', session], ...Object.entries(session).filter(([, v]) => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) !== Object.prototype)];
    const targets = new Map<string, object>();
    for (const [prefix, part] of parts) {
      const proto = Object.getPrototypeOf(part) as object;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const d = Object.getOwnPropertyDescriptor(proto, name)!;
        if (typeof d.value === 'function' && !exempt.has(name)) targets.set(prefix ? `${prefix}.${name}` : name, part);
      }
    }
    expect(parts.map(([prefix]) => prefix)).toEqual(['', 'keys', 'lifecycle', 'access', 'imports', 'plainExport', 'directory', 'audit', 'backup', 'settings', 'credentials', 'passkeys']);
    const methods = [...targets.keys()];
    expect(methods.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const name of methods) {
      const target = targets.get(name)!;
      const fn = (target as Record<string, (...a: unknown[]) => unknown>)[name.split('.').at(-1)!]!;
      let error: unknown = null;
      try {
        await fn.apply(target, args[name] ?? [id, {}]);
      } catch (e) {
        error = e;
      }
      // Methods named in the table must say Locked; any other (added later) must at least refuse with a VaultError.
      const ok = name in args ? isVaultError(error, 'Locked') : isVaultError(error);
      if (!ok) wrong.push(`${name}: ${error === null ? 'did not refuse' : String(error)}`);
    }
    expect(wrong).toEqual([]);
    for (const getter of ['user', 'locked', 'kdfIterations', 'kdfUpgrade']) expect(getter in session).toBe(true);
    vault.close();
  });
});
