// Owns an unlocked session: the user key in memory, key records (create, list, reveal, edit, delete) and settings.

import {
  generateDataKey,
  open,
  randomId,
  seal,
  unwrapDataKey,
  utf8Decode,
  utf8Encode,
  wrapKey,
  type DataKey,
  type UserKey,
} from '../crypto';
import { DB, withTx, type GrantRow, type KeyRow, type KeywardDb, type VersionRow } from '../storage';
import { aad } from './context';
import { VaultError } from './errors';
import { guarded } from './failures';
import { checkFormat, checkKeyInput, checkSettings } from './validate';
import type { Clock, KeyId, KeyInput, KeySummary, Settings, SignedInUser, ValueFormat } from './types';

const S = DB.stores;

interface SealedMeta {
  name: string;
  format: ValueFormat;
  tags: string[];
  notes: string;
}

export interface SessionInit {
  db: KeywardDb;
  clock: Clock;
  user: SignedInUser;
  userKey: UserKey;
  settings: Settings;
  kdfIterations: number;
}

export class Session {
  readonly user: SignedInUser;
  readonly kdfIterations: number;
  readonly #db: KeywardDb;
  readonly #clock: Clock;
  #userKey: UserKey | null;
  #settings: Settings;
  /** Unwrapped (non-extractable) DEKs and decrypted summaries: dropped on lock. */
  #deks = new Map<KeyId, DataKey>();
  #summaries: Map<KeyId, KeySummary> | null = null;
  #onLock = new Set<() => void>();

  constructor(init: SessionInit) {
    this.#db = init.db;
    this.#clock = init.clock;
    this.user = init.user;
    this.#userKey = init.userKey;
    this.#settings = { ...init.settings };
    this.kdfIterations = init.kdfIterations;
  }

  get locked(): boolean {
    return this.#userKey === null;
  }

  /** Drops every key and decrypted value from memory. Idempotent. */
  lock(): void {
    if (this.#userKey === null) return;
    this.#userKey = null;
    this.#deks.clear();
    this.#summaries = null;
    for (const fn of this.#onLock) fn();
    this.#onLock.clear();
  }

  /** Called once when this session locks (by lock() from anywhere). Returns an unsubscribe function. */
  onLock(fn: () => void): () => void {
    this.#onLock.add(fn);
    return () => this.#onLock.delete(fn);
  }

  #key(): UserKey {
    if (this.#userKey === null) throw new VaultError('Locked', 'the vault is locked');
    return this.#userKey;
  }

  settings(): Settings {
    this.#key();
    return { ...this.#settings };
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    this.#key();
    const next = checkSettings({ ...this.#settings, ...patch });
    await guarded(() =>
      withTx(this.#db, [S.meta], 'readwrite', async (tx) => {
        const meta = await tx.objectStore(S.meta).get('vault');
        if (!meta) throw new VaultError('NoVault', 'the vault is gone from storage');
        await tx.objectStore(S.meta).put({ ...meta, settings: next });
      }),
    );
    this.#settings = next;
    return { ...next };
  }

  async listKeys(): Promise<KeySummary[]> {
    return [...(await this.#loadSummaries()).values()];
  }

  async getKey(id: KeyId): Promise<KeySummary> {
    const summary = (await this.#loadSummaries()).get(id);
    if (!summary) throw new VaultError('NotFound', 'no such key');
    return summary;
  }

  async createKey(input: KeyInput): Promise<KeySummary> {
    const userKey = this.#key();
    const clean = checkKeyInput(input);
    const summaries = await this.#loadSummaries();
    const id = randomId() as KeyId;
    const now = this.#clock.now();
    const userId = this.user.id;
    const row = await guarded(async () => {
      const dek = await generateDataKey();
      const grant: GrantRow = { keyId: id, principalId: userId, permission: 'owner', createdAt: now, wrappedDek: await wrapKey(userKey, dek, aad.dek(id, userId)) };
      const key: KeyRow = { id, kind: 'secret', createdAt: now, updatedAt: now, currentVersion: 1, state: 'active', sealedMeta: await this.#sealMeta(dek, id, clean) };
      const version: VersionRow = { keyId: id, version: 1, createdAt: now, sealedValue: await seal(dek, utf8Encode(clean.value), aad.value(id, 1)) };
      // Keep only a non-extractable copy in memory: unwrap what was just stored, which also proves it opens.
      const kept = await unwrapDataKey(userKey, grant.wrappedDek, aad.dek(id, userId));
      await withTx(this.#db, [S.keys, S.versions, S.grants], 'readwrite', async (tx) => {
        await Promise.all([tx.objectStore(S.keys).add(key), tx.objectStore(S.versions).add(version), tx.objectStore(S.grants).add(grant)]);
      });
      this.#deks.set(id, kept);
      return key;
    });
    const summary = toSummary(row, clean);
    summaries.set(id, summary);
    return summary;
  }

  /** Edits a key. A changed value is stored as a new version; earlier versions are kept. */
  async updateKey(id: KeyId, patch: Partial<KeyInput>): Promise<KeySummary> {
    this.#key();
    const summaries = await this.#loadSummaries();
    const current = summaries.get(id);
    if (!current) throw new VaultError('NotFound', 'no such key');
    // The whole record is re-checked, so a key never claims a format its value is not in.
    const currentValue = await this.revealValue(id);
    const clean = checkKeyInput({
      name: patch.name ?? current.name,
      format: patch.format ?? current.format,
      value: patch.value ?? currentValue,
      tags: patch.tags ?? [...current.tags],
      notes: patch.notes ?? current.notes,
    });
    const valueChanged = clean.value !== currentValue;
    const dek = await this.#dek(id);
    const now = this.#clock.now();
    const row = await guarded(async () => {
      const sealedMeta = await this.#sealMeta(dek, id, clean);
      const nextVersion = current.version + (valueChanged ? 1 : 0);
      const version: VersionRow | null = valueChanged
        ? { keyId: id, version: nextVersion, createdAt: now, sealedValue: await seal(dek, utf8Encode(clean.value), aad.value(id, nextVersion)) }
        : null;
      return withTx(this.#db, [S.keys, S.versions], 'readwrite', async (tx) => {
        const stored = await tx.objectStore(S.keys).get(id);
        if (!stored) throw new VaultError('NotFound', 'no such key');
        if (stored.currentVersion !== current.version) throw new VaultError('StorageFailed', 'the key was changed elsewhere; reload and try again');
        const next: KeyRow = { ...stored, sealedMeta, updatedAt: now, currentVersion: nextVersion };
        await tx.objectStore(S.keys).put(next);
        if (version) await tx.objectStore(S.versions).add(version);
        return next;
      });
    });
    const summary = toSummary(row, clean);
    summaries.set(id, summary);
    return summary;
  }

  /** The current value, decrypted. The caller shows it only on a person's explicit request. */
  async revealValue(id: KeyId): Promise<string> {
    this.#key();
    const dek = await this.#dek(id);
    return guarded(async () => {
      const key = await this.#db.get(S.keys, id);
      if (!key) throw new VaultError('NotFound', 'no such key');
      const version = await this.#db.get(S.versions, [id, key.currentVersion]);
      if (!version) throw new VaultError('Corrupt', 'the current version of this key is missing');
      return utf8Decode(await open(dek, version.sealedValue, aad.value(id, key.currentVersion)));
    });
  }

  /** Deletes a key with every version and grant, in one transaction. */
  async deleteKey(id: KeyId): Promise<void> {
    this.#key();
    const summaries = await this.#loadSummaries();
    if (!summaries.has(id)) throw new VaultError('NotFound', 'no such key');
    await guarded(() =>
      withTx(this.#db, [S.keys, S.versions, S.grants], 'readwrite', async (tx) => {
        const versions = tx.objectStore(S.versions);
        const grants = tx.objectStore(S.grants);
        const [versionKeys, grantKeys] = await Promise.all([versions.index('byKey').getAllKeys(id), grants.index('byKey').getAllKeys(id)]);
        await Promise.all([tx.objectStore(S.keys).delete(id), ...versionKeys.map((k) => versions.delete(k)), ...grantKeys.map((k) => grants.delete(k))]);
      }),
    );
    summaries.delete(id);
    this.#deks.delete(id);
  }

  async #sealMeta(dek: DataKey, id: KeyId, input: KeyInput): Promise<Uint8Array<ArrayBuffer>> {
    const meta: SealedMeta = { name: input.name, format: input.format, tags: input.tags, notes: input.notes };
    return seal(dek, utf8Encode(JSON.stringify(meta)), aad.meta(id));
  }

  async #dek(id: KeyId): Promise<DataKey> {
    const userKey = this.#key();
    const cached = this.#deks.get(id);
    if (cached) return cached;
    const grant = await guarded(() => this.#db.get(S.grants, [id, this.user.id]));
    if (!grant) throw new VaultError('NotFound', 'no such key');
    const dek = await guarded(() => unwrapDataKey(userKey, grant.wrappedDek, aad.dek(id, this.user.id)));
    if (this.#userKey !== null) this.#deks.set(id, dek);
    return dek;
  }

  /** Decrypts every key this user holds a grant for, once per unlock. */
  async #loadSummaries(): Promise<Map<KeyId, KeySummary>> {
    const userKey = this.#key();
    if (this.#summaries) return this.#summaries;
    const userId = this.user.id;
    const loaded = await guarded(async () => {
      const { grants, keys } = await withTx(this.#db, [S.grants, S.keys], 'readonly', async (tx) => {
        const grants = await tx.objectStore(S.grants).index('byPrincipal').getAll(userId);
        const keys = await Promise.all(grants.map((g) => tx.objectStore(S.keys).get(g.keyId)));
        return { grants, keys };
      });
      const entries = await Promise.all(
        grants.map(async (grant, i): Promise<[KeyId, KeySummary, DataKey] | null> => {
          const key = keys[i];
          if (!key) return null;
          const id = key.id as KeyId;
          const dek = await unwrapDataKey(userKey, grant.wrappedDek, aad.dek(id, userId));
          const meta = parseMeta(utf8Decode(await open(dek, key.sealedMeta, aad.meta(id))));
          return [id, toSummary(key, meta), dek];
        }),
      );
      return entries.filter((e) => e !== null);
    });
    // A lock() while decrypting wins: nothing decrypted is kept.
    if (this.#userKey === null) throw new VaultError('Locked', 'the vault is locked');
    if (this.#summaries) return this.#summaries;
    const map = new Map<KeyId, KeySummary>();
    for (const [id, summary, dek] of loaded) {
      map.set(id, summary);
      this.#deks.set(id, dek);
    }
    this.#summaries = map;
    return map;
  }
}

function parseMeta(json: string): SealedMeta {
  const raw: unknown = JSON.parse(json);
  if (typeof raw !== 'object' || raw === null) throw new TypeError('key metadata is not an object');
  const m = raw as Record<string, unknown>;
  const tags = m.tags;
  if (typeof m.name !== 'string' || typeof m.notes !== 'string' || typeof m.format !== 'string' || !Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new TypeError('key metadata has an impossible shape');
  }
  return { name: m.name, format: checkFormat(m.format), tags: tags as string[], notes: m.notes };
}

function toSummary(row: KeyRow, meta: SealedMeta | KeyInput): KeySummary {
  return Object.freeze({
    id: row.id as KeyId,
    kind: row.kind,
    name: meta.name,
    format: meta.format,
    tags: Object.freeze([...meta.tags]),
    notes: meta.notes,
    version: row.currentVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}
