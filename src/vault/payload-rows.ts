// Owns the shape check of a backup payload's rows (docs/FORMAT.md §1, §6.5): every field a restore writes and a later
// unlock reads has its type, so a malformed payload is "damaged" before anything is written — not a storage failure
// half-way through the transaction, and not a vault that cannot be opened afterwards.

import { KEY_STATES } from './types';

type Check = (v: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const int: Check = (v) => Number.isSafeInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const bytes: Check = (v) => v instanceof Uint8Array;
const obj: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
const orNull =
  (c: Check): Check =>
  (v) =>
    v === null || c(v);
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const oneOf =
  (...values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const shape =
  (fields: Record<string, Check>): Check =>
  (v) =>
    obj(v) && Object.entries(fields).every(([k, c]) => c((v as Record<string, unknown>)[k]));

const arrayOf =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c);

const ORIGINS = ['generated', 'imported'] as const;

/** A passkey slot (issue #18, FORMAT.md §3.2). */
const PASSKEY_SLOT = shape({
  id: str,
  name: str,
  credentialId: bytes,
  prfSalt: bytes,
  createdAt: num,
  lastUsedAt: orNull(num),
  wrappedSlotKey: bytes,
  slotKeyUnderUser: bytes,
  wrappedUserKey: bytes,
});

/** One entry per backed-up store; fields added by later schema versions are optional (older files lack them). */
export const ROW_SHAPES: Readonly<Record<string, Record<string, Check>>> = Object.freeze({
  meta: {
    id: oneOf('vault'),
    vaultId: str,
    createdAt: num,
    settings: obj,
    audit: shape({ sealedMacKey: bytes, sealedSigningKey: bytes, publicKey: obj, head: shape({ seq: int, mac: bytes }), checkpoint: optional(shape({ seq: int, mac: bytes })) }),
    lastBackup: optional(shape({ at: num, headSeq: int })),
  },
  users: {
    id: str,
    name: str,
    role: oneOf('owner', 'admin', 'member', 'auditor'),
    createdAt: num,
    kdf: shape({ name: str, iterations: int, salt: bytes }),
    wrappedUserKey: bytes,
    wrappedAuditKey: bytes,
    publicKey: optional(obj),
    sealedPrivateKey: optional(bytes),
    mustChangePassword: optional(bool),
    passkeys: optional(arrayOf(PASSKEY_SLOT)),
    sealedSigningKey: optional(bytes),
    pin: optional(bytes),
  },
  keys: {
    id: str,
    createdAt: num,
    updatedAt: num,
    currentVersion: int,
    currentOrigin: oneOf(...ORIGINS),
    currentCompromisedAt: orNull(num),
    minVersion: int,
    wrappedMetaKey: optional(bytes),
    keepVersions: int,
    state: oneOf(...KEY_STATES),
    stateChangedAt: num,
    activationAt: orNull(num),
    rotationDays: orNull(int),
    autoRotate: bool,
    lastRotatedAt: num,
    destroyAt: orNull(num),
    sealedMeta: bytes,
  },
  versions: { keyId: str, version: int, createdAt: num, origin: oneOf(...ORIGINS), sealedValue: orNull(bytes), destroyedAt: orNull(num), compromisedAt: orNull(num) },
  grants: {
    keyId: str,
    principalId: str,
    permission: oneOf('owner', 'manage', 'rotate', 'use', 'view'),
    createdAt: num,
    wrappedDek: orNull(bytes),
    wrappedMetaKey: optional(bytes),
    epk: optional(bytes),
    grantedBy: optional(str),
  },
  audit: { seq: int, at: num, actor: str, action: str, keyId: orNull(str), version: orNull(int), outcome: oneOf('ok', 'denied', 'failed'), sealedDetails: bytes, mac: bytes },
  groups: { id: str, createdAt: num, sealedName: bytes, publicKey: obj },
  members: { groupId: str, userId: str, addedAt: num, epk: bytes, sealedPrivateKey: bytes },
  // Version 3 (issue #14): the ledger's links, checked in full (signatures, rules) when a session verifies them.
  ledger: { seq: int, at: num, by: str, body: obj, prev: bytes, sig: bytes },
});

/**
 * Throws TypeError naming the first row and field (never its value) that does not have its type. Unknown fields are
 * kept: a newer minor writer may add one, and the records stay encrypted under the vault's keys anyway.
 */
export function checkPayloadRows(stores: Readonly<Record<string, readonly unknown[]>>): void {
  for (const [store, fields] of Object.entries(ROW_SHAPES)) {
    const rows = stores[store] ?? [];
    rows.forEach((row, i) => {
      if (!obj(row)) throw new TypeError(`${store}[${i}] is not a row`);
      for (const [field, check] of Object.entries(fields)) {
        if (!check((row as Record<string, unknown>)[field])) throw new TypeError(`${store}[${i}].${field} is missing or has the wrong type`);
      }
    });
  }
}
