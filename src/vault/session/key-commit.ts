// Owns writing one change to a key held by the session: its metadata sealed first, then one transaction that checks
// nobody changed the key meanwhile and writes the row, its version rows and the audit entries the change implies.

import { bytesEqual, seal } from '../../crypto';
import { allRequests, DB, type KeyRow, type StoreName, type Tx } from '../../storage';
import type { AuditAction } from '../audit-chain';
import type { AuditEvent } from '../audit-log';
import { aad } from '../context';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import { stateAllows } from '../lifecycle';
import { factsFromRows, withVersions, type KeyFields, type VersionFacts } from '../key-fields';
import type { SealedMeta } from '../records';
import type { KeyEvent, KeyId, KeySummary, VersionOrigin } from '../types';
import type { SessionContext } from './context';
import { metaKeyBytes, notUsable, sealedRow, summaryOf, type Change, type Held } from './held';
import { nextMaterial } from './material';

const S = DB.stores;

/** A change to one key, sealed and ready to be written inside a transaction (see `writeKeyChange`). */
export interface PreparedChange {
  id: KeyId;
  held: Held;
  change: Change;
  row: KeyRow;
  fields: KeyFields;
  events: AuditEvent[];
}

/**
 * The facts of a held key's versions: its verified fields' (issue #14); for a legacy row not yet upgraded, read from
 * the version rows once (as trusted as the legacy row itself, and sealed from now on).
 */
export async function versionFactsOf(ctx: SessionContext, held: Held): Promise<readonly VersionFacts[]> {
  if (held.fields) return held.fields.versions;
  const rows = await guarded(() => ctx.db.getAllFromIndex(S.versions, 'byKey', held.row.id));
  return guarded(async () => factsFromRows(held.row.currentVersion, rows));
}

/** Seals the next metadata of a key and works out the row and the audit entries of `make()`; writes nothing. */
export async function prepareKeyChange(ctx: SessionContext, id: KeyId, held: Held, make: () => Change): Promise<PreparedChange> {
  const dek = await ctx.ring.dek(id);
  const before = await versionFactsOf(ctx, held);
  const change = make();
  const now = ctx.clock.now();
  const added = change.addVersions?.at(-1);
  const currentPut = change.putVersions?.find((v) => v.version === change.row.currentVersion);
  const next: KeyRow = {
    ...change.row,
    updatedAt: now,
    currentOrigin: added?.origin ?? held.row.currentOrigin,
    currentCompromisedAt: added ? added.compromisedAt : currentPut ? currentPut.compromisedAt : held.row.currentCompromisedAt,
  };
  // The row's fields and its versions' facts are sealed with the metadata (issue #14, FORMAT.md §2.1).
  const versions = withVersions(before, [...(change.addVersions ?? []), ...(change.putVersions ?? [])]);
  const { row, fields } = await guarded(async () => sealedRow(dek, next, change.meta, versions, await metaKeyBytes(dek, held.row)));
  return { id, held, change, row, fields, events: auditEventsOf(id, held.meta, change.meta, row.currentVersion) };
}

/** Inside a write on the keys and versions stores: checks nobody changed the key meanwhile, then writes the change. */
export async function writeKeyChange(tx: Tx<StoreName[], 'readwrite'>, prepared: PreparedChange): Promise<void> {
  const { held, change, row } = prepared;
  await keyUnchanged(tx, held, { missing: 'NotFound' });
  const versions = tx.objectStore(S.versions);
  await allRequests([
    () => tx.objectStore(S.keys).put(row),
    ...(change.addVersions ?? []).map((v) => () => versions.add(v)),
    ...(change.putVersions ?? []).map((v) => () => versions.put(v)),
  ]);
}

/** After the write committed: the session holds the key as written. */
export function keepKeyChange(ctx: SessionContext, prepared: PreparedChange): KeySummary {
  const next: Held = { ...prepared.held, row: prepared.row, meta: prepared.change.meta, fields: prepared.fields };
  ctx.ring.keep(prepared.id, next);
  return summaryOf(next);
}

/**
 * Writes one change to a key: seals the next metadata first, then in one transaction checks that
 * nobody changed the key meanwhile (another tab), and writes the row and version rows.
 */
export async function commitKeyChange(ctx: SessionContext, id: KeyId, held: Held, make: () => Change): Promise<KeySummary> {
  const prepared = await prepareKeyChange(ctx, id, held, make);
  await ctx.writes.write([S.keys, S.versions], prepared.events, (tx) => writeKeyChange(tx, prepared));
  return keepKeyChange(ctx, prepared);
}

/**
 * Inside a write that changes a key from the copy this session holds: the stored row's sealed metadata
 * must still be the one `held` was read with, else someone (another tab?) changed the key meanwhile and
 * the write is refused. A key gone meanwhile is refused the same way, or as NotFound where `missing` says.
 */
export async function keyUnchanged(tx: Tx<StoreName[], 'readwrite'>, held: Held, options: { missing?: 'NotFound' } = {}): Promise<void> {
  const stored = await tx.objectStore(S.keys).get(held.row.id);
  if (!stored && options.missing === 'NotFound') throw new VaultError('NotFound', 'no such key');
  if (!stored || !bytesEqual(stored.sealedMeta, held.row.sealedMeta)) throw new VaultError('ChangedElsewhere', 'the key was changed elsewhere (another tab?); reload and try again');
}

const EVENT_ACTION: Record<KeyEvent['action'], AuditAction> = {
  created: 'key.create',
  rotated: 'key.rotate',
  state: 'key.state',
  policy: 'key.policy',
  'oldest-usable': 'key.policy',
  'destruction-scheduled': 'key.destruction.schedule',
  'destruction-cancelled': 'key.destruction.cancel',
  destroyed: 'key.destroy',
  'versions-trimmed': 'key.trim',
};

/** The audit entries of one change: its new history events, or "key.update" naming the fields edited. */
function auditEventsOf(id: string, before: SealedMeta, after: SealedMeta, currentVersion: number): AuditEvent[] {
  const added = after.history.slice(before.history.length);
  if (added.length > 0) {
    return added.map((e) => ({
      action: EVENT_ACTION[e.action],
      actor: e.actor,
      keyId: id,
      version: e.version ?? currentVersion,
      details: { ...(e.from ? { from: e.from } : {}), ...(e.to ? { to: e.to } : {}), ...(e.reason ? { reason: e.reason } : {}), event: e.action },
    }));
  }
  const fields = (['name', 'tags', 'notes', 'format'] as const).filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  return [{ action: 'key.update', keyId: id, version: currentVersion, details: { fields } }];
}

/** Fresh material for version n+1, and what else the rotation carries. */
export interface Rotation {
  material: Uint8Array;
  origin: VersionOrigin;
  meta?: SealedMeta;
  extraEvents?: KeyEvent[];
  actor?: string;
}

/** Version n+1 of a key from `fresh` material, as a change to write; a compromised key becomes active again on it. */
export async function rotationChange(ctx: SessionContext, id: KeyId, held: Held, fresh: Rotation): Promise<() => Change> {
  const actor = fresh.actor ?? ctx.user.id;
  const dek = await ctx.ring.dek(id);
  const now = ctx.clock.now();
  const version = held.row.currentVersion + 1;
  const sealedValue = await guarded(() => seal(dek, fresh.material, aad.value(id, version)));
  const meta = fresh.meta ?? held.meta;
  const events: KeyEvent[] = [...(fresh.extraEvents ?? []), { at: now, actor, action: 'rotated', version }];
  let state = held.row.state;
  if (state === 'compromised') {
    events.push({ at: now, actor, action: 'state', from: 'compromised', to: 'active', version });
    state = 'active';
  }
  return () => ({
    row: { ...held.row, currentVersion: version, lastRotatedAt: now, state, stateChangedAt: state === held.row.state ? held.row.stateChangedAt : now },
    meta: { ...meta, compromiseReason: state === 'active' ? null : meta.compromiseReason, history: [...meta.history, ...events] },
    addVersions: [{ keyId: id, version, createdAt: now, origin: fresh.origin, sealedValue, destroyedAt: null, compromisedAt: null }],
  });
}

/** Writes version n+1 of a key from `fresh` material; a compromised key becomes active again on it. */
export async function commitRotation(ctx: SessionContext, id: KeyId, held: Held, fresh: Rotation): Promise<KeySummary> {
  return commitKeyChange(ctx, id, held, await rotationChange(ctx, id, held, fresh));
}

/** Rotates a key as `actor` (a person, or SYSTEM_ACTOR for due work): new material from `value` or made here. */
export async function rotateAs(ctx: SessionContext, id: KeyId, value: string | undefined, actor: string): Promise<KeySummary> {
  const held = await ctx.ring.get(id);
  if (!stateAllows(held.row.state, 'rotate', held.row.destroyAt !== null)) throw notUsable(held.row.state);
  const fresh = await nextMaterial(held, value);
  return commitRotation(ctx, id, held, { ...fresh, actor });
}
