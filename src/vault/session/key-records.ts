// Owns the key records of a session: listing and reading them, revealing and exporting material, creating secrets and
// typed keys, and editing names, tags, notes and a secret's format or value.

import {
  exportPrivatePem,
  exportPublicPem,
  isSymmetric,
  open,
  utf8Decode,
  utf8Encode,
  type KeyAlgorithm,
  type KeyMaterial,
} from '../../crypto';
import { allRequests, DB } from '../../storage';
import type { AuditAction } from '../audit-chain';
import { aad } from '../context';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { stateAllows, type KeyUse } from '../lifecycle';
import { parseMaterial, type SealedMeta } from '../records';
import { checkAlgorithm, checkFormat, checkKeyInput, checkName, checkNotes, checkTags, checkValue } from '../validate';
import { type KeyId, type KeyInput, type KeySummary, type KeyVersionInfo, type TypedKeyInput, type VersionOrigin } from '../types';
import type { SessionContext } from './context';
import type { Unreadable } from './key-ring';
import { commitKeyChange, commitRotation, versionFactsOf } from './key-commit';
import { notUsable, summaryOf, type Held } from './held';
import { generateMaterial, importMaterial } from './material';
import { prepareNewKey } from './key-new';

const S = DB.stores;

export type ExportPart = 'public' | 'private' | 'secret';
export type ExportFormat = 'jwk' | 'pem';

export class KeyRecords {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  // ── reading ──────────────────────────────────────────────────────────────

  async list(): Promise<KeySummary[]> {
    await this.#ctx.guard.authorize('key.view', null);
    const held = await this.#ctx.ring.load();
    return [...held.values()].map(summaryOf);
  }

  /** Key rows the list left out because they failed to open or verify (issue #14), with why. */
  unreadable(): readonly Unreadable[] {
    this.#ctx.key();
    return this.#ctx.ring.unreadable;
  }

  async get(id: KeyId): Promise<KeySummary> {
    return summaryOf(await this.#ctx.guard.authorize('key.view', id));
  }

  async versions(id: KeyId): Promise<KeyVersionInfo[]> {
    const held = await this.#ctx.guard.authorize('key.view', id);
    const rows = await guarded(() => this.#ctx.db.getAllFromIndex(S.versions, 'byKey', id));
    // Dates, origin and flags as sealed with the key's fields (issue #14); a view holder of a legacy row sees the rows'.
    const facts = held.fields || held.grant.wrappedDek !== null ? await versionFactsOf(this.#ctx, held) : null;
    return rows
      .filter((v) => v.version >= 1 && v.version <= held.row.currentVersion)
      .sort((a, b) => b.version - a.version)
      .map((v) => {
        const [createdAt, origin, destroyedAt, compromisedAt] = facts?.[v.version - 1] ?? [v.createdAt, v.origin, v.destroyedAt, v.compromisedAt];
        return {
          version: v.version,
          createdAt,
          origin,
          compromised: compromisedAt !== null,
          status: v.sealedValue === null || destroyedAt !== null ? 'destroyed' : v.version === held.row.currentVersion ? 'current' : v.version < held.row.minVersion ? 'retired' : 'usable',
        };
      });
  }

  /**
   * A secret's value (current version, or an older usable one). Shown only on a person's explicit
   * request; `purpose` says whether it is shown or copied, for the log.
   */
  async reveal(id: KeyId, version?: number, purpose: 'reveal' | 'copy' = 'reveal'): Promise<string> {
    const held = await this.#ctx.guard.authorize('key.use', id);
    if (held.meta.kind !== 'secret') throw new VaultError('InvalidInput', 'a typed key is exported, not revealed', { field: 'kind' });
    const material = await this.#material(id, held, 'reveal', version, purpose === 'copy' ? 'key.copy' : 'key.reveal');
    return utf8Decode(material);
  }

  /** A typed key as JWK or PEM. Private and secret parts only on a person's explicit request. */
  async export(id: KeyId, options: { part: ExportPart; format: ExportFormat; version?: number; purpose?: 'export' | 'copy' }): Promise<string> {
    const held = await this.#ctx.guard.authorize('key.use', id);
    const algorithm = held.meta.algorithm;
    if (!algorithm) throw new VaultError('InvalidInput', 'a secret is revealed, not exported', { field: 'kind' });
    const use: KeyUse = options.part === 'public' ? 'export-public' : 'reveal';
    const action: AuditAction = options.purpose === 'copy' ? 'key.copy' : 'key.export';
    const material = parseMaterial(utf8Decode(await this.#material(id, held, use, options.version, action, { part: options.part, format: options.format })));
    const symmetric = isSymmetric(algorithm);
    const jwk = options.part === 'public' ? material.publicKey : options.part === 'secret' ? material.secret : material.privateKey;
    if (!jwk || (options.part === 'secret') !== symmetric) throw new VaultError('InvalidInput', `this key has no ${options.part} part`, { field: 'part' });
    if (options.format === 'jwk') return JSON.stringify(jwk, null, 2);
    if (symmetric) throw new VaultError('InvalidInput', 'symmetric keys are exported as JWK only', { field: 'format' });
    return guarded(() => (options.part === 'public' ? exportPublicPem(material, algorithm) : exportPrivatePem(material, algorithm)));
  }

  // ── creating ─────────────────────────────────────────────────────────────

  /** A key of kind "secret": a pasted or generated value. */
  async create(input: KeyInput): Promise<KeySummary> {
    await this.#ctx.guard.authorize('key.create');
    const clean = checkKeyInput(input);
    const recipe = clean.recipe;
    return this.#create(
      { kind: 'secret', name: clean.name, format: clean.format, tags: clean.tags, notes: clean.notes, algorithm: null, recipe, hasPrivate: true, compromiseReason: null, history: [] },
      utf8Encode(clean.value),
      recipe ? 'generated' : 'imported',
      input,
    );
  }

  /** A new typed key made by WebCrypto (AES, HMAC, ECDSA P-256, Ed25519, RSA-OAEP/PSS). */
  async generate(input: TypedKeyInput & { algorithm: KeyAlgorithm }): Promise<KeySummary> {
    await this.#ctx.guard.authorize('key.create');
    const algorithm = checkAlgorithm(input.algorithm);
    const fields = typedFields(input);
    const material = await generateMaterial(algorithm);
    return this.#create(typedMeta(fields, algorithm, material), utf8Encode(JSON.stringify(material)), 'generated', input);
  }

  /** A typed key from pasted PEM, JWK, hex or base64, validated by WebCrypto as `algorithm`. */
  async import(input: TypedKeyInput & { algorithm: KeyAlgorithm; text: string }): Promise<KeySummary> {
    await this.#ctx.guard.authorize('key.create');
    const algorithm = checkAlgorithm(input.algorithm);
    const fields = typedFields(input);
    const material = await importMaterial(input.text, algorithm);
    return this.#create(typedMeta(fields, algorithm, material), utf8Encode(JSON.stringify(material)), 'imported', input);
  }

  async #create(meta: SealedMeta, material: Uint8Array, origin: VersionOrigin, input: { rotation?: unknown; activationAt?: unknown }): Promise<KeySummary> {
    const ctx = this.#ctx;
    await ctx.ring.load();
    const key = await prepareNewKey(ctx, meta, material, origin, input);
    await guarded(() =>
      ctx.writes.write([S.keys, S.versions, S.grants], [{ action: 'key.create', keyId: key.id, version: 1, details: { kind: meta.kind, origin, state: key.row.state } }], async (tx) => {
        await allRequests([() => tx.objectStore(S.keys).add(key.row), () => tx.objectStore(S.versions).add(key.version), () => tx.objectStore(S.grants).add(key.grant)]);
      }, { grants: true }),
    );
    ctx.ring.keep(key.id, null, { dek: key.dek });
    ctx.ring.keep(key.id, key.held);
    return summaryOf(key.held);
  }

  // ── changing ─────────────────────────────────────────────────────────────

  /** Edits name, tags and notes; for a secret also format, and a new value (stored as a new version). */
  async update(id: KeyId, patch: Partial<KeyInput>): Promise<KeySummary> {
    const ctx = this.#ctx;
    const held = await ctx.guard.authorize('key.manage', id);
    if (!stateAllows(held.row.state, 'edit', held.row.destroyAt !== null)) throw notUsable(held.row.state);
    const { meta } = held;
    if (meta.kind !== 'secret' && (patch.value !== undefined || patch.format !== undefined)) throw new VaultError('InvalidInput', 'a typed key gets new material by rotation', { field: 'value' });
    const next: SealedMeta = {
      ...meta,
      name: patch.name === undefined ? meta.name : checkName(patch.name),
      tags: patch.tags === undefined ? meta.tags : checkTags(patch.tags),
      notes: patch.notes === undefined ? meta.notes : checkNotes(patch.notes),
    };
    if (meta.kind !== 'secret' || (patch.value === undefined && patch.format === undefined)) return commitKeyChange(ctx, id, held, () => ({ row: { ...held.row }, meta: next }));
    // Value or format changes: the value is re-checked, so a secret never claims a format its value is not in.
    const format = checkFormat(patch.format ?? meta.format);
    // Read without a key.reveal entry: nothing is shown, and the edit is logged as key.update or key.rotate.
    const currentValue = utf8Decode(await this.#material(id, held, 'reveal', undefined, null));
    const value = checkValue(patch.value ?? currentValue, format);
    if (value !== currentValue) {
      // A new value is a rotation at the provider: same rules, same history.
      return commitRotation(ctx, id, held, { material: utf8Encode(value), origin: 'imported', meta: { ...next, format } });
    }
    return commitKeyChange(ctx, id, held, () => ({ row: { ...held.row }, meta: { ...next, format } }));
  }

  /**
   * Opens one version's material after the state checks, and logs the use (or its denial) as `action`.
   * `action` null: an internal read for a change that is logged itself (an edit re-checking the value).
   */
  async #material(id: KeyId, held: Held, use: KeyUse, version: number | undefined, action: AuditAction | null, details: Record<string, unknown> = {}): Promise<Uint8Array> {
    const ctx = this.#ctx;
    const v = version ?? held.row.currentVersion;
    const deny = async (error: VaultError): Promise<never> => {
      if (action) await ctx.writes.record({ action, keyId: id, version: Number.isInteger(v) ? v : null, outcome: 'denied', details: { ...details, why: error.message } }).catch(() => undefined);
      throw error;
    };
    if (!stateAllows(held.row.state, use, held.row.destroyAt !== null)) return deny(notUsable(held.row.state, held.row.destroyAt !== null));
    if (!Number.isInteger(v) || v < 1 || v > held.row.currentVersion) throw new VaultError('NotFound', 'no such version');
    if (v < held.row.minVersion) return deny(new VaultError('KeyNotUsable', `version ${v} is retired (older than the oldest usable version ${held.row.minVersion})`));
    const dek = await ctx.ring.dek(id);
    const row = await guarded(() => ctx.db.get(S.versions, [id, v]));
    if (!row) throw new VaultError('Corrupt', 'this version of the key is missing');
    // A version the sealed facts call destroyed stays destroyed, even if its sealed value was put back (issue #14).
    if (row.sealedValue === null || held.fields?.versions[v - 1]?.[2] != null) return deny(new VaultError('KeyNotUsable', `version ${v} was destroyed`));
    const sealed = row.sealedValue;
    const material = await guarded(() => open(dek, sealed, aad.value(id, v)));
    // The use is logged before the material is handed out: no entry, no value.
    if (action) await ctx.writes.record({ action, keyId: id, version: v, details });
    return material;
  }
}

function typedFields(input: TypedKeyInput): { name: string; tags: string[]; notes: string } {
  if (typeof input !== 'object' || input === null) throw new VaultError('InvalidInput', 'no key data given', { field: 'name' });
  return { name: checkName(input.name), tags: checkTags(input.tags), notes: checkNotes(input.notes) };
}

function typedMeta(fields: { name: string; tags: string[]; notes: string }, algorithm: KeyAlgorithm, material: KeyMaterial): SealedMeta {
  return { kind: algorithm.kind, ...fields, format: 'text', algorithm, recipe: null, hasPrivate: material.privateKey !== undefined || material.secret !== undefined, compromiseReason: null, history: [] };
}
