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
import { keepKeyChange, prepareKeyChange, rotationChange, writeKeyChange, type PreparedChange } from './key-commit';
import { prepareNewKey, type NewKey } from './key-new';
import { nextMaterial } from './material';

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

/** A key here that takes an imported value as its next version ("Replace" in the preview) instead of a new key. */
export interface ImportReplacement {
  keyId: KeyId;
  value: string;
}

export interface ImportOptions {
  /** Called while keys are sealed (the slow part), before anything is written. */
  onProgress?: (done: number, total: number) => void;
  /** Keys here whose value the import replaces: each gets a new version, in the same transaction as the new keys. */
  replace?: readonly ImportReplacement[];
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
   * Adds every key, and gives every replaced key its new version, in one transaction: all are written or none.
   * `format` names the source for the audit entry (one `key.import`, plus a `key.rotate` per replaced key).
   */
  async importKeys(format: string, keys: readonly PlannedKey[], options: ImportOptions = {}): Promise<KeySummary[]> {
    const ctx = this.#ctx;
    const replace = options.replace ?? [];
    await ctx.guard.authorize('key.create');
    if (keys.length + replace.length === 0) throw new VaultError('InvalidInput', 'there is nothing to import', { field: 'keys' });
    if (keys.length + replace.length > IMPORT_MAX_KEYS) throw new VaultError('InvalidInput', `at most ${IMPORT_MAX_KEYS.toLocaleString('en')} keys in one import`, { field: 'keys' });
    if (!/^[a-z0-9-]{1,40}$/.test(format)) throw new VaultError('InvalidInput', 'unknown import format', { field: 'format' });
    if (new Set(replace.map((r) => r.keyId)).size !== replace.length) throw new VaultError('InvalidInput', 'a key can be replaced only once in one import', { field: 'keys' });
    await ctx.ring.load();
    const total = keys.length + replace.length;
    const progress = (done: number): void => {
      if (options.onProgress && (done % 100 === 0 || done === total)) options.onProgress(done, total);
    };
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
      progress(i + 1);
    }
    const changes: PreparedChange[] = [];
    for (const [i, r] of replace.entries()) changes.push(await this.#replacement(r, keys.length + i + 1, progress));
    const events = [{ action: 'key.import' as const, details: { format, count: prepared.length, ...(changes.length > 0 ? { replaced: changes.length } : {}) } }, ...changes.flatMap((c) => c.events)];
    await guarded(() =>
      ctx.writes.write([S.keys, S.versions, S.grants], events, async (tx) => {
        const keyStore = tx.objectStore(S.keys);
        const versionStore = tx.objectStore(S.versions);
        const grantStore = tx.objectStore(S.grants);
        for (const change of changes) await writeKeyChange(tx, change);
        await allRequests(prepared.flatMap((k) => [() => keyStore.add(k.row), () => versionStore.add(k.version), () => grantStore.add(k.grant)]));
      }, { grants: true }),
    );
    for (const key of prepared) {
      ctx.ring.keep(key.id, null, { dek: key.dek });
      ctx.ring.keep(key.id, key.held);
    }
    return [...prepared.map((k) => summaryOf(k.held)), ...changes.map((c) => keepKeyChange(ctx, c))];
  }

  /** A replaced key's next version: the person may rotate it, its state allows it, and the value suits its format. */
  async #replacement(r: ImportReplacement, done: number, progress: (done: number) => void): Promise<PreparedChange> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.rotate', r.keyId);
    if (held.meta.kind !== 'secret') throw new VaultError('InvalidInput', `“${held.meta.name.slice(0, 80)}” is a typed key: only a secret's value can be replaced by an import`, { field: 'keys' });
    if (!stateAllows(held.row.state, 'rotate', held.row.destroyAt !== null)) throw new VaultError('InvalidInput', `“${held.meta.name.slice(0, 80)}” is ${held.row.state}: its value cannot be replaced`, { field: 'keys' });
    const fresh = await nextMaterial(held, r.value);
    const change = await prepareKeyChange(ctx, r.keyId, held, await rotationChange(ctx, r.keyId, held, fresh));
    progress(done);
    return change;
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
