// Owns a key row's authenticated lifecycle fields (issue #14, docs/FORMAT.md §2.1): the copy sealed where only a
// holder of the key's data key can make it, with a summary of its version rows; building it, reading it back, and
// comparing it with the plaintext copy a storage writer can change. Pure: no crypto, no storage.

import type { KeyRow, VersionRow } from '../storage';
import { DESTRUCTION_WAIT, KEY_STATES, type KeyEvent, type KeyState, type VersionOrigin } from './types';
import { addDays } from './lifecycle';

/** The plaintext facts of one version row: [createdAt, origin, destroyedAt, compromisedAt]. */
export type VersionFacts = readonly [createdAt: number, origin: VersionOrigin, destroyedAt: number | null, compromisedAt: number | null];

/** The key row's plaintext lifecycle fields, and the facts of versions 1 … currentVersion (index 0 is version 1). */
export interface KeyFields {
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly currentVersion: number;
  readonly currentOrigin: VersionOrigin;
  readonly currentCompromisedAt: number | null;
  readonly minVersion: number;
  readonly keepVersions: number;
  readonly state: KeyState;
  readonly stateChangedAt: number;
  readonly activationAt: number | null;
  readonly rotationDays: number | null;
  readonly autoRotate: boolean;
  readonly lastRotatedAt: number;
  readonly destroyAt: number | null;
  readonly versions: readonly VersionFacts[];
}

/** The row fields bound, in the order they are written (FORMAT.md §2.1). */
export const BOUND_FIELDS = [
  'createdAt',
  'updatedAt',
  'currentVersion',
  'currentOrigin',
  'currentCompromisedAt',
  'minVersion',
  'keepVersions',
  'state',
  'stateChangedAt',
  'activationAt',
  'rotationDays',
  'autoRotate',
  'lastRotatedAt',
  'destroyAt',
] as const satisfies readonly (keyof KeyRow & keyof KeyFields)[];

export function versionFacts(v: Pick<VersionRow, 'createdAt' | 'origin' | 'destroyedAt' | 'compromisedAt'>): VersionFacts {
  return [v.createdAt, v.origin, v.destroyedAt, v.compromisedAt];
}

/** A version row's plaintext taken from its facts (what a write stores, never what storage said). */
export function versionRow(keyId: string, version: number, facts: VersionFacts, sealedValue: Uint8Array | null): VersionRow {
  const [createdAt, origin, destroyedAt, compromisedAt] = facts;
  return { keyId, version, createdAt, origin, sealedValue, destroyedAt, compromisedAt };
}

/** The facts of every version after writing `rows` (added or replaced) over `before`. */
export function withVersions(before: readonly VersionFacts[], rows: readonly VersionRow[]): VersionFacts[] {
  const out = [...before];
  for (const v of rows) out[v.version - 1] = versionFacts(v);
  return out;
}

/**
 * The fields of `row` with the versions' facts: what a write seals beside the row. Checked as a reader will check them
 * (a row with a field missing or out of shape is refused here, before it is sealed into a row no reader would open).
 */
export function fieldsOf(row: KeyRow, versions: readonly VersionFacts[]): KeyFields {
  const out: Record<string, unknown> = {};
  for (const f of BOUND_FIELDS) out[f] = row[f];
  if (versions.length !== row.currentVersion || versions.some((v) => v === undefined)) throw new TypeError('the version facts do not cover every version of the key');
  out.versions = versions;
  return parseFields(out);
}

/** Facts from version rows as stored (a legacy key's, read once to upgrade it): sorted, one per version. */
export function factsFromRows(currentVersion: number, rows: readonly VersionRow[]): VersionFacts[] {
  const out: VersionFacts[] = [];
  for (const v of rows) if (Number.isInteger(v.version) && v.version >= 1 && v.version <= currentVersion) out[v.version - 1] = versionFacts(v);
  if (out.length !== currentVersion || out.some((v) => v === undefined)) throw new TypeError('a version row of the key is missing');
  return out;
}

/** Whether the plaintext row says exactly what the sealed fields say. */
export function fieldsMatch(row: KeyRow, fields: KeyFields): boolean {
  return BOUND_FIELDS.every((f) => Object.is(row[f], fields[f]));
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);
const isOrigin = (v: unknown): v is VersionOrigin => v === 'generated' || v === 'imported';

/** Reads the fields back from decrypted JSON; an impossible shape is a TypeError (the row is left out). */
export function parseFields(v: unknown): KeyFields {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError('key fields are not an object');
  const f = v as Record<string, unknown>;
  const ok =
    isNum(f.createdAt) &&
    isNum(f.updatedAt) &&
    Number.isInteger(f.currentVersion) &&
    (f.currentVersion as number) >= 1 &&
    isOrigin(f.currentOrigin) &&
    isNumOrNull(f.currentCompromisedAt) &&
    Number.isInteger(f.minVersion) &&
    Number.isInteger(f.keepVersions) &&
    KEY_STATES.includes(f.state as KeyState) &&
    isNum(f.stateChangedAt) &&
    isNumOrNull(f.activationAt) &&
    isNumOrNull(f.rotationDays) &&
    typeof f.autoRotate === 'boolean' &&
    isNum(f.lastRotatedAt) &&
    isNumOrNull(f.destroyAt) &&
    Array.isArray(f.versions) &&
    f.versions.length === f.currentVersion &&
    f.versions.every((x: unknown) => Array.isArray(x) && x.length === 4 && isNum(x[0]) && isOrigin(x[1]) && isNumOrNull(x[2]) && isNumOrNull(x[3]));
  if (!ok) throw new TypeError('key fields have an impossible shape');
  const out: Record<string, unknown> = {};
  for (const k of BOUND_FIELDS) out[k] = f[k];
  out.versions = Object.freeze((f.versions as VersionFacts[]).map((x) => Object.freeze([...x]) as unknown as VersionFacts));
  return Object.freeze(out) as unknown as KeyFields;
}

/**
 * The destruction time a legacy row (no sealed fields) keeps when it is upgraded: an upgrade never makes anything
 * more destructive. A schedule is kept only when the plaintext row shows one AND the key's sealed history agrees (its
 * last destruction event is "destruction-scheduled"), and never earlier than the shortest waiting period counted from
 * the upgrade: a forged `destroyAt` on a legacy row erases nothing, and a real schedule waits at most that much longer.
 */
export function upgradedDestroyAt(row: KeyRow, history: readonly KeyEvent[], now: number): number | null {
  if (row.destroyAt === null || !isNum(row.destroyAt) || row.state === 'destroyed') return null;
  const last = [...history].reverse().find((e) => e.action === 'destruction-scheduled' || e.action === 'destruction-cancelled' || e.action === 'destroyed');
  if (last?.action !== 'destruction-scheduled') return null;
  return Math.max(row.destroyAt, addDays(now, DESTRUCTION_WAIT.minDays));
}
