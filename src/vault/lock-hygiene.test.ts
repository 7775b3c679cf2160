// Secret hygiene at lock (issue 8 point 6): once a session is locked, every method refuses, and no unwrapped key,
// decrypted byte string, exported JWK or decrypted record it made is still reachable from it — checked with the garbage
// collector: every such object is tracked by a WeakRef as WebCrypto and the JSON parser hand it out, the test keeps the
// locked session and its vault alive, and after a full collection every tracked object must be gone.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createdVault, PASSWORD } from '../../test/unit/helpers';
import { isVaultError } from './errors';
import { Session } from './session';
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
    const secret = await first.createKey({ name: 'Stripe', value: 'sk_live_hygiene_1', format: 'text', tags: ['pay'], notes: 'rotate monthly' });
    const signer = await first.generateKey({ name: 'Signer', algorithm: { kind: 'ecdsa-p256' }, tags: [], notes: '' });
    await first.lock();

    const { tracked, stop } = trackSecrets();
    stopTracking = stop;
    const session = await vault.unlock({ password: PASSWORD });
    expect((await session.listKeys()).map((k) => k.name).sort()).toEqual(['Signer', 'Stripe']);
    expect(await session.revealValue(secret.id)).toBe('sk_live_hygiene_1');
    expect(await session.exportKey(signer.id, { part: 'private', format: 'pem' })).toContain('PRIVATE KEY');
    await session.auditReport({});
    await session.logCheck();
    await session.rotateKey(secret.id, { value: 'sk_live_hygiene_2' });
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
    const k = await session.createKey({ name: 'Stripe', value: 'sk_live_1', format: 'text', tags: [], notes: '' });
    await session.lock();
    const id = k.id as KeyId;
    const args: Record<string, unknown[]> = {
      start: [{}],
      logCheck: [],
      archiveAndTrim: [1],
      exportBackup: [{ password: PASSWORD, useVaultPassword: true }],
      dumpRecords: ['test'],
      importRecords: [{ add: [], replace: [] }, {}],
      auditReport: [{}],
      exportAudit: [{}, 'json'],
      record: [{ action: 'key.reveal', keyId: id }],
      updateSettings: [{ autoLockMinutes: 5 }],
      changePassword: [PASSWORD, 'another long password'],
      rotateUserKey: [PASSWORD],
      getKey: [id],
      listVersions: [id],
      revealValue: [id],
      exportKey: [id, { part: 'secret', format: 'jwk' }],
      createKey: [{ name: 'x', value: 'y', format: 'text', tags: [], notes: '' }],
      generateKey: [{ name: 'x', algorithm: { kind: 'aes-gcm', length: 256 }, tags: [], notes: '' }],
      importKey: [{ name: 'x', algorithm: { kind: 'aes-gcm', length: 256 }, tags: [], notes: '', text: '00'.repeat(32) }],
      updateKey: [id, { name: 'y' }],
      rotateKey: [id, { value: 'z' }],
      setState: [id, 'suspended'],
      setRotationPolicy: [id, { periodDays: 30, auto: false }],
      setOldestUsableVersion: [id, 1],
      setKeepVersions: [id, 5],
      trimVersions: [id],
      scheduleDestruction: [id, 7],
      cancelDestruction: [id],
      deleteKey: [id],
    };
    // Not refusals: lock() is idempotent, onLock() registers a callback; neither reads or hands out anything.
    const exempt = new Set(['constructor', 'lock', 'onLock']);
    const methods = Object.getOwnPropertyNames(Session.prototype).filter((name) => {
      const d = Object.getOwnPropertyDescriptor(Session.prototype, name)!;
      return typeof d.value === 'function' && !exempt.has(name);
    });
    expect(methods.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const name of methods) {
      const fn = (session as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
      let error: unknown = null;
      try {
        await fn.apply(session, args[name] ?? [id, {}]);
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
