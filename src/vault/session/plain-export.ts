// Owns the plaintext exports of a session (issue #16): the keys this person may reveal (some ids, a tag, or all they
// hold) written as a .env file or as a KDBX 4 database with every readable version, after one guard check, with one
// audit entry per file (format and counts, never a name or a value). Keys that cannot be revealed are left out, with why.

import { exportPrivatePem, exportPublicPem, isSymmetric, open, utf8Decode } from '../../crypto';
import { InteropError, toDotenv, writeKdbx, type ExportKey } from '../../interop';
import { DB, withTx, type VersionRow } from '../../storage';
import { atLeast } from '../access';
import { aad } from '../context';
import { VaultError } from '../errors';
import { asVaultError, guarded } from '../failures';
import { stateAllows } from '../lifecycle';
import { parseMaterial } from '../records';
import type { KeyId } from '../types';
import { checkNewPassword, isKeyId } from '../validate';
import type { SessionContext } from './context';
import { notUsable, type Held } from './held';
import { fileStamp } from '../file-stamp';

const S = DB.stores;

/** At most this many ids in one export (a vault's key list is bounded well below it). */
const MAX_IDS = 100_000;

/** Which keys an export takes: these ids, every key with this tag, or every key this person holds. */
export type ExportScope = { ids: readonly KeyId[] } | { tag: string } | { all: true };

/** A key in the scope that the file does not hold, and why (its name is shown to the person; never logged). */
export interface LeftOut {
  id: KeyId;
  name: string;
  why: string;
}

/** What an export would hold, before anything is revealed: how many keys, and which are left out. */
export interface ExportPreview {
  count: number;
  leftOut: LeftOut[];
}

export interface DotenvFile extends ExportPreview {
  filename: string;
  text: string;
}

export interface KdbxFile extends ExportPreview {
  filename: string;
  bytes: Uint8Array;
  /** Every version the file holds (current values and history). */
  versions: number;
}

/** The keys an export takes, split into those it will hold and those it leaves out. */
interface Selection {
  take: Held[];
  leftOut: LeftOut[];
}

export class PlainExports {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** How many keys an export of `scope` would hold and which it leaves out; reveals and logs nothing. */
  async preview(scope: ExportScope): Promise<ExportPreview> {
    await this.#ctx.guard.authorize('key.use', null);
    const { take, leftOut } = await this.#select(scope);
    return { count: take.length, leftOut };
  }

  /**
   * A .env file of the current values of the keys in `scope` this person may reveal, sorted by name; each key's name
   * as a variable name (envName; a second key with the same variable name gets _2, and so on). A value a .env file
   * cannot hold is refused (InvalidInput, field "keys", naming the key) before anything is logged or handed out.
   * Throws InvalidInput when no key can be exported.
   */
  async dotenv(scope: ExportScope): Promise<DotenvFile> {
    await this.#ctx.guard.authorize('key.use', null);
    const { take, leftOut } = await this.#select(scope);
    const opened = await this.#open(take, false, leftOut);
    if (opened.length === 0) throw nothingToExport(leftOut);
    let text: string;
    try {
      text = toDotenv(opened.map((k) => ({ name: k.name, value: k.versions.at(-1)!.value })));
    } catch (error) {
      if (error instanceof InteropError) throw new VaultError('InvalidInput', error.message, { field: 'keys' });
      throw error;
    }
    // Logged before the file is handed out: no entry, no values.
    await this.#record({ format: 'dotenv', count: opened.length, leftOut: leftOut.length });
    return { filename: exportFilename(this.#ctx.clock.now(), 'env'), text, count: opened.length, leftOut };
  }

  /**
   * A KDBX 4 database, under its own `password` (at least MIN_PASSWORD_LENGTH characters), of the keys in `scope`
   * this person may reveal: each key an entry (name, tags, notes, times), its older readable versions the entry's
   * history. Throws PasswordTooShort, or InvalidInput when no key can be exported.
   */
  async kdbx(password: string, scope: ExportScope = { all: true }): Promise<KdbxFile> {
    await this.#ctx.guard.authorize('key.use', null);
    const checked = checkNewPassword(password);
    const { take, leftOut } = await this.#select(scope);
    const opened = await this.#open(take, true, leftOut);
    if (opened.length === 0) throw nothingToExport(leftOut);
    const bytes = await writeKdbx(opened, checked).catch((error: unknown) => {
      throw error instanceof InteropError ? new VaultError('InvalidInput', error.message, { field: 'keys' }) : error;
    });
    const versions = opened.reduce((n, k) => n + k.versions.length, 0);
    await this.#record({ format: 'kdbx', count: opened.length, versions, leftOut: leftOut.length });
    return { filename: exportFilename(this.#ctx.clock.now(), 'kdbx'), bytes, count: opened.length, versions, leftOut };
  }

  /** The keys of `scope` this person holds, sorted by name, with those that cannot be revealed set apart. */
  async #select(scope: ExportScope): Promise<Selection> {
    if (typeof scope !== 'object' || scope === null) throw new VaultError('InvalidInput', 'say which keys to export', { field: 'keys' });
    const held = await this.#ctx.ring.load();
    let chosen: Held[];
    const leftOut: LeftOut[] = [];
    if ('ids' in scope) {
      const ids: unknown = scope.ids;
      if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every(isKeyId)) throw new VaultError('InvalidInput', 'the chosen keys are not a list of key ids', { field: 'keys' });
      chosen = [];
      for (const id of new Set(ids as KeyId[])) {
        const h = held.get(id);
        if (h) chosen.push(h);
        else leftOut.push({ id, name: '', why: 'no such key, or no grant on it' });
      }
    } else if ('tag' in scope) {
      if (typeof scope.tag !== 'string' || scope.tag.trim() === '') throw new VaultError('InvalidInput', 'no tag was chosen', { field: 'tag' });
      const tag = scope.tag.trim().toLowerCase();
      chosen = [...held.values()].filter((h) => h.meta.tags.some((t) => t.toLowerCase() === tag));
    } else if (scope.all === true) {
      chosen = [...held.values()];
    } else {
      throw new VaultError('InvalidInput', 'say which keys to export', { field: 'keys' });
    }
    const take: Held[] = [];
    for (const h of chosen) {
      const why = revealRefusal(h);
      if (why === null) take.push(h);
      else leftOut.push({ id: h.row.id as KeyId, name: h.meta.name, why });
    }
    take.sort((a, b) => a.meta.name.localeCompare(b.meta.name) || a.row.createdAt - b.row.createdAt);
    return { take, leftOut };
  }

  /**
   * Opens each key's current value, and with `history` every older version still usable (not retired, not destroyed),
   * oldest first. A key whose stored value does not open is moved to `leftOut` (the rest are still exported).
   */
  async #open(take: readonly Held[], history: boolean, leftOut: LeftOut[]): Promise<ExportKey[]> {
    const ctx = this.#ctx;
    const out: ExportKey[] = [];
    const stored = await this.#versionRows(take, history);
    for (const [i, h] of take.entries()) {
      const id = h.row.id as KeyId;
      try {
        const rows = stored[i]!.filter((v) => v.version >= h.row.minVersion && v.version <= h.row.currentVersion);
        const current = rows.find((v) => v.version === h.row.currentVersion);
        if (!current || current.sealedValue === null) throw new VaultError('Corrupt', 'the current version is missing');
        const dek = await ctx.ring.dek(id);
        const versions: ExportKey['versions'] = [];
        for (const row of rows.sort((a, b) => a.version - b.version)) {
          const sealed = row.sealedValue;
          // The version's facts as sealed with the key (issue #14), not the row's plaintext: its date, and whether it
          // was destroyed (a sealed value put back under a destroyed version is not exported).
          const facts = h.fields?.versions[row.version - 1];
          if (sealed === null || (facts && facts[2] !== null)) continue;
          const material = utf8Decode(await guarded(() => open(dek, sealed, aad.value(id, row.version))));
          versions.push({ value: await asText(h, material), created: facts ? facts[0] : row.createdAt });
        }
        out.push({ name: h.meta.name, tags: [...h.meta.tags], notes: h.meta.notes, created: h.row.createdAt, updated: h.row.updatedAt, versions });
      } catch (error) {
        const failure = asVaultError(error);
        if (failure.code !== 'Corrupt') throw failure;
        leftOut.push({ id, name: h.meta.name, why: `its stored value does not open (${failure.message})` });
      }
    }
    return out;
  }

  /** Each key's stored versions (all, or the current one), read in one readonly transaction before anything is decrypted. */
  #versionRows(take: readonly Held[], history: boolean): Promise<VersionRow[][]> {
    return guarded(() =>
      withTx(this.#ctx.db, [S.versions], 'readonly', (tx) => {
        const store = tx.objectStore(S.versions);
        return Promise.all(
          take.map(async (h) => {
            if (history) return store.index('byKey').getAll(h.row.id);
            const row = await store.get([h.row.id, h.row.currentVersion]);
            return row ? [row] : [];
          }),
        );
      }),
    );
  }

  /** The one entry of an export: format and counts; no key id, name or value. */
  async #record(details: { format: 'dotenv' | 'kdbx'; count: number; versions?: number; leftOut: number }): Promise<void> {
    await this.#ctx.writes.record({ action: 'key.export.plain', details });
  }
}

/** Why a held key cannot be revealed by this person, or null when it can. */
function revealRefusal(h: Held): string | null {
  if (!atLeast(h.permission, 'use')) return `a "${h.permission}" grant does not allow using the value`;
  if (!stateAllows(h.row.state, 'reveal', h.row.destroyAt !== null)) return notUsable(h.row.state, h.row.destroyAt !== null).message;
  return null;
}

/**
 * A version's material as text: a secret's value as stored; a typed key's secret part as JWK, its private part as
 * PEM (PKCS #8), or — for a key with no private part — its public part as PEM, as the key page's export gives them.
 */
async function asText(h: Held, material: string): Promise<string> {
  const algorithm = h.meta.algorithm;
  if (h.meta.kind === 'secret' || algorithm === null) return material;
  const parsed = parseMaterial(material);
  if (isSymmetric(algorithm)) {
    if (!parsed.secret) throw new VaultError('Corrupt', 'the key has no secret part');
    return JSON.stringify(parsed.secret, null, 2);
  }
  return guarded(() => (parsed.privateKey ? exportPrivatePem(parsed, algorithm) : exportPublicPem(parsed, algorithm)));
}

function nothingToExport(leftOut: readonly LeftOut[]): VaultError {
  return new VaultError('InvalidInput', leftOut.length === 0 ? 'there are no keys to export' : 'none of these keys can be exported (see why each was left out)', { field: 'keys' });
}

/** keyward-YYYYMMDD-HHMMSS.env / .kdbx, in the device's local time (as backup files are named). */
export function exportFilename(now: number, extension: 'env' | 'kdbx'): string {
  return `keyward-${fileStamp(now)}.${extension}`;
}
