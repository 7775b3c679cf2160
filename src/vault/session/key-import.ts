// Owns importing many keys at once (issue #16): which planned keys look like keys already here, and the one
// all-or-nothing transaction that adds them with a single audit entry (format and count, never names or values).

import { open, utf8Decode, utf8Encode } from '../../crypto';
import { allRequests, DB } from '../../storage';
import { aad } from '../context';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import type { PlannedKey } from '../import-plan';
import { stateAllows } from '../lifecycle';
import { checkKeyInput } from '../validate';
import type { KeyId, KeySummary } from '../types';
import type { SessionContext } from './context';
import { summaryOf, type Held } from './held';
import { prepareNewKey, type NewKey } from './key-new';

const S = DB.stores;

/** At most this many keys in one import (one transaction). */
export const IMPORT_MAX_KEYS = 50_000;

/** A planned key whose name matches a key this person can see. */
export interface ImportDuplicate {
  /** Index into the planned keys. */
  index: number;
  keyId: KeyId;
  /** The current value is the same (false also when it could not be read: a compromised or destroyed key). */
  sameValue: boolean;
}

export class KeyImports {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /**
   * Planned keys whose name (ignoring case and surrounding spaces) is a secret key's here. The values are compared
   * inside the vault, without a reveal entry: nothing is shown, and the person only learns "same value" or not.
   */
  async duplicates(keys: readonly PlannedKey[]): Promise<ImportDuplicate[]> {
    await this.#ctx.guard.authorize('key.view', null);
    const byName = new Map<string, Held[]>();
    for (const held of (await this.#ctx.ring.load()).values()) {
      if (held.meta.kind !== 'secret') continue;
      const name = held.meta.name.trim().toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), held]);
    }
    const out: ImportDuplicate[] = [];
    const values = new Map<KeyId, string | null>();
    for (const [index, key] of keys.entries()) {
      for (const held of byName.get(key.name.trim().toLowerCase()) ?? []) {
        const keyId = held.row.id as KeyId;
        if (!values.has(keyId)) values.set(keyId, await this.#currentValue(held));
        out.push({ index, keyId, sameValue: values.get(keyId) === key.value });
      }
    }
    return out;
  }

  /**
   * Adds every key in one transaction: all are written or none. `format` names the source for the audit entry.
   * `onProgress(done, total)` is called while the keys are sealed (the slow part), before anything is written.
   */
  async importKeys(format: string, keys: readonly PlannedKey[], onProgress?: (done: number, total: number) => void): Promise<KeySummary[]> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('key.create');
    if (keys.length === 0) throw new VaultError('InvalidInput', 'there is nothing to import', { field: 'keys' });
    if (keys.length > IMPORT_MAX_KEYS) throw new VaultError('InvalidInput', `at most ${IMPORT_MAX_KEYS.toLocaleString('en')} keys in one import`, { field: 'keys' });
    if (!/^[a-z0-9-]{1,40}$/.test(format)) throw new VaultError('InvalidInput', 'unknown import format', { field: 'format' });
    await ctx.ring.load();
    const prepared: NewKey[] = [];
    for (const [i, key] of keys.entries()) {
      let clean;
      try {
        clean = checkKeyInput({ name: key.name, value: key.value, format: 'text', tags: key.tags, notes: key.notes });
      } catch (error) {
        // Which key, by position and name (never its value), so the person can find it in the file.
        if (error instanceof VaultError) throw new VaultError('InvalidInput', `key ${i + 1} (“${key.name.slice(0, 80)}”): ${error.message}`, { field: 'keys' });
        throw error;
      }
      const meta = { kind: 'secret' as const, name: clean.name, format: clean.format, tags: clean.tags, notes: clean.notes, algorithm: null, recipe: null, hasPrivate: true, compromiseReason: null, history: [] };
      prepared.push(await prepareNewKey(ctx, meta, utf8Encode(clean.value), 'imported', {}));
      if (onProgress && (i % 100 === 99 || i === keys.length - 1)) onProgress(i + 1, keys.length);
    }
    await guarded(() =>
      ctx.writes.write([S.keys, S.versions, S.grants], [{ action: 'key.import', details: { format, count: prepared.length } }], async (tx) => {
        const keyStore = tx.objectStore(S.keys);
        const versionStore = tx.objectStore(S.versions);
        const grantStore = tx.objectStore(S.grants);
        await allRequests(prepared.flatMap((k) => [() => keyStore.add(k.row), () => versionStore.add(k.version), () => grantStore.add(k.grant)]));
      }, { grants: true }),
    );
    for (const key of prepared) {
      ctx.ring.keep(key.id, null, { dek: key.dek });
      ctx.ring.keep(key.id, key.held);
    }
    return prepared.map((k) => summaryOf(k.held));
  }

  /** The current value of a secret this person may use, or null when its state or version does not allow it. */
  async #currentValue(held: Held): Promise<string | null> {
    const ctx = this.#ctx;
    if (!stateAllows(held.row.state, 'reveal', held.row.destroyAt !== null)) return null;
    const id = held.row.id as KeyId;
    const v = held.row.currentVersion;
    const row = await guarded(() => ctx.db.get(S.versions, [id, v]));
    if (!row || row.sealedValue === null) return null;
    const sealed = row.sealedValue;
    const dek = await ctx.ring.dek(id);
    return utf8Decode(await guarded(() => open(dek, sealed, aad.value(id, v))));
  }
}
