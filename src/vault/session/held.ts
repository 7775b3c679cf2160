// Owns what an unlocked session keeps of one key (Held), one change to it (Change), and the pure rules read off them.

import type { DataKey } from '../../crypto';
import type { GrantRow, KeyRow, VersionRow } from '../../storage';
import type { Permission } from '../access';
import { VaultError } from '../errors';
import { fieldsOf, type KeyFields, type VersionFacts } from '../key-fields';
import { openWrappedMetaKey, sealKeyRow } from '../key-seal';
import { nextRotationAt } from '../lifecycle';
import type { SealedMeta } from '../records';
import type { KeyId, KeyState, KeySummary } from '../types';

/** A decrypted record kept in memory while unlocked, with the grant it was opened through. */
export interface Held {
  row: KeyRow;
  meta: SealedMeta;
  permission: Permission;
  grant: GrantRow;
  /**
   * The row's authenticated fields (issue #14, FORMAT.md §2.1), equal to the row's plaintext (a row that differs is
   * never held); null for a legacy row, sealed before fields were: due work leaves it alone until it is upgraded.
   */
  fields: KeyFields | null;
}

/** What one change to a key writes: the next row and metadata, and version rows to add or replace. */
export interface Change {
  row: KeyRow;
  meta: SealedMeta;
  addVersions?: VersionRow[];
  putVersions?: VersionRow[];
}

/** The actor of work that falls due by itself (activation, automatic rotation, scheduled destruction). */
export const SYSTEM_ACTOR = 'system';

export function rotationOf(row: KeyRow): { periodDays: number | null; auto: boolean } {
  return { periodDays: row.rotationDays, auto: row.autoRotate };
}

/** Generated secrets (they carry their recipe) and typed keys made here can make their next version. */
export function canAutoRotate(h: Held): boolean {
  if (h.meta.kind === 'secret') return h.meta.recipe !== null;
  return h.meta.algorithm !== null && h.meta.hasPrivate && h.row.currentOrigin === 'generated';
}

export function notUsable(state: KeyState, pendingDestruction = false): VaultError {
  if (state === 'destroyed') return new VaultError('KeyNotUsable', 'this key was destroyed');
  if (pendingDestruction) return new VaultError('KeyNotUsable', 'this key is scheduled for destruction; cancel that to use it');
  return new VaultError('KeyNotUsable', `a ${state} key cannot be used for this`);
}

/** The raw meta key of a key that has one (opened from its row with the DEK; the caller zeroes it), else null. */
export async function metaKeyBytes(dek: DataKey, row: KeyRow): Promise<Uint8Array | null> {
  return row.wrappedMetaKey ? (await openWrappedMetaKey(row.id, dek, row.wrappedMetaKey)).raw : null;
}

/**
 * `row` with its envelopes sealed for a write: the metadata and the fields of `row` and `versions` under the DEK (or
 * the meta key `metaRaw`, which it zeroes). Only a holder of the DEK can make this (issue #14).
 */
export async function sealedRow(dek: DataKey, row: KeyRow, meta: SealedMeta, versions: readonly VersionFacts[], metaRaw: Uint8Array | null): Promise<{ row: KeyRow; fields: KeyFields }> {
  try {
    const fields = fieldsOf(row, versions);
    const { wrappedMetaKey: _old, ...rest } = row;
    const sealed = await sealKeyRow(row.id, dek, meta, fields, metaRaw);
    return { row: { ...rest, ...sealed }, fields };
  } finally {
    metaRaw?.fill(0);
  }
}

/** A read-only array for a summary: the same array when it is already frozen (as parseMeta leaves them), else a frozen copy. */
function frozenCopy<T>(items: readonly T[]): readonly T[] {
  return Object.isFrozen(items) ? items : Object.freeze([...items]);
}

/** What the UI sees of a held key (frozen; no key material). */
export function summaryOf(h: Held): KeySummary {
  const { row, meta } = h;
  const rotation = rotationOf(row);
  return Object.freeze({
    id: row.id as KeyId,
    permission: h.permission,
    kind: meta.kind,
    name: meta.name,
    format: meta.format,
    tags: frozenCopy(meta.tags),
    notes: meta.notes,
    version: row.currentVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    algorithm: meta.algorithm,
    hasPrivate: meta.hasPrivate,
    state: row.state,
    activationAt: row.activationAt,
    oldestUsableVersion: row.minVersion,
    keepVersions: row.keepVersions,
    rotation,
    lastRotatedAt: row.lastRotatedAt,
    nextRotationAt: nextRotationAt(row.state, rotation, row.lastRotatedAt, row.currentCompromisedAt),
    canAutoRotate: canAutoRotate(h),
    recipe: meta.recipe,
    destroyAt: row.destroyAt,
    compromiseReason: meta.compromiseReason,
    history: frozenCopy(meta.history),
  });
}
