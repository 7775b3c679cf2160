// Owns the IndexedDB schema: database name, version, store names and the shape of every stored row.

import type { DBSchema } from 'idb';
import type { KdfParams } from '../crypto';

// DO NOT CHANGE WITHOUT A MIGRATION: every name and the version below are part of the on-disk format
// (docs/FORMAT.md §1). A new version needs a step in migrations.ts and a test from a seeded older database.
export const DB = Object.freeze({
  name: 'keyward',
  version: 1,
  stores: Object.freeze({
    meta: 'meta',
    users: 'users',
    keys: 'keys',
    versions: 'versions',
    grants: 'grants',
  }),
} as const);

export type StoreName = (typeof DB.stores)[keyof typeof DB.stores];

/** Plaintext on purpose: preferences, not secrets (docs/FORMAT.md §1). */
export interface SettingsRow {
  autoLockMinutes: number;
  clipboardClearSeconds: number;
}

export interface MetaRow {
  id: 'vault';
  vaultId: string;
  createdAt: number;
  settings: SettingsRow;
}

export interface UserRow {
  id: string;
  /** Plaintext: a login name, shown on the unlock screen's user picker before any key exists in memory. */
  name: string;
  role: 'owner' | 'admin' | 'member' | 'auditor';
  createdAt: number;
  kdf: KdfParams;
  /** The user key wrapped under the KEK, AAD "kw1|user|<id>|userKey|0". */
  wrappedUserKey: Uint8Array;
}

export interface KeyRow {
  id: string;
  createdAt: number;
  updatedAt: number;
  currentVersion: number;
  /** Versions below this are retired: kept, never revealed or exported. */
  minVersion: number;
  keepVersions: number;
  /** NIST SP 800-57 state; plaintext so that due work can be found without decrypting. */
  state: 'pre-activation' | 'active' | 'suspended' | 'deactivated' | 'compromised' | 'destroyed';
  stateChangedAt: number;
  activationAt: number | null;
  rotationDays: number | null;
  autoRotate: boolean;
  lastRotatedAt: number;
  /** Set while destruction is scheduled. */
  destroyAt: number | null;
  /**
   * JSON {kind, name, format, tags, notes, algorithm, recipe, hasPrivate, compromiseReason, history}
   * sealed under the key's DEK, AAD context "kw1|key|<id>|meta|0". The kind of key is sealed too.
   */
  sealedMeta: Uint8Array;
}

export interface VersionRow {
  keyId: string;
  version: number;
  createdAt: number;
  origin: 'generated' | 'imported';
  /**
   * The material sealed under the key's DEK, context "kw1|key|<keyId>|value|<version>": a secret's
   * value as UTF-8, or a typed key's JWKs as JSON. null once destroyed.
   */
  sealedValue: Uint8Array | null;
  destroyedAt: number | null;
  compromisedAt: number | null;
}

/** One wrapping of a key's DEK for one principal (a user now; groups in issue #6). */
export interface GrantRow {
  keyId: string;
  principalId: string;
  permission: 'owner' | 'manage' | 'rotate' | 'use' | 'view';
  createdAt: number;
  /** The DEK wrapped under the principal's user key, AAD "kw1|dek|<keyId>|<principalId>|0". */
  wrappedDek: Uint8Array;
}

export interface KeywardSchema extends DBSchema {
  meta: { key: string; value: MetaRow };
  users: { key: string; value: UserRow; indexes: { byName: string } };
  keys: { key: string; value: KeyRow };
  versions: { key: [string, number]; value: VersionRow; indexes: { byKey: string } };
  grants: { key: [string, string]; value: GrantRow; indexes: { byPrincipal: string; byKey: string } };
}
