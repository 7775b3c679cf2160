// Owns the IndexedDB schema: database name, version, store names and the shape of every stored row.

import type { DBSchema } from 'idb';
import type { KdfParams } from '../crypto';

// DO NOT CHANGE WITHOUT A MIGRATION: every name and the version below are part of the on-disk format
// (docs/FORMAT.md §1). A new version needs a step in migrations.ts and a test from a seeded older database.
export const DB = Object.freeze({
  name: 'keyward',
  version: 3,
  stores: Object.freeze({
    meta: 'meta',
    users: 'users',
    keys: 'keys',
    versions: 'versions',
    grants: 'grants',
    audit: 'audit',
    auditPending: 'auditPending',
    /** Version 2 (issue #6). */
    groups: 'groups',
    members: 'members',
    /** Version 3 (issue #14): the signed ledger of principals. */
    ledger: 'ledger',
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
  audit: AuditMeta;
  /** When the last backup was exported, and the audit head then (to tell whether keys changed since). */
  lastBackup?: { at: number; headSeq: number };
}

/** The vault-wide audit keys (sealed under the audit data key) and the chain head (docs/AUDIT.md §2). */
export interface AuditMeta {
  /** 32 random bytes, the chain's HMAC-SHA256 key, sealed under the audit key, AAD "kw1|audit|<vaultId>|macKey|0". */
  sealedMacKey: Uint8Array;
  /** ECDSA P-256 private JWK (JSON) that signs exports, sealed, AAD "kw1|audit|<vaultId>|signingKey|0". */
  sealedSigningKey: Uint8Array;
  /** Its public JWK: plaintext, so the fingerprint can be shown and exports checked. */
  publicKey: JsonWebKey;
  /** Sequence number and MAC of the last entry, written in the same transaction as that entry. */
  head: { seq: number; mac: Uint8Array };
  /** After "archive and trim": the last trimmed entry's sequence number and MAC; the chain goes on from it. */
  checkpoint?: { seq: number; mac: Uint8Array };
}

export interface AuditRow {
  seq: number;
  at: number;
  /** A user id. */
  actor: string;
  action: string;
  keyId: string | null;
  version: number | null;
  outcome: 'ok' | 'denied' | 'failed';
  /** JSON details (including the client description) sealed under the audit key, AAD "kw1|audit|<seq>|details|0". */
  sealedDetails: Uint8Array;
  /** HMAC-SHA256 chain value (docs/AUDIT.md §2). */
  mac: Uint8Array;
}

/** A failed unlock, recorded while no key is in memory; folded into the chain at the next unlock. */
export interface AuditPendingRow {
  id?: number;
  at: number;
  userId: string;
  /** A failed unlock, or a restore (the restored vault's keys were not in memory to log it). */
  action: 'unlock.failed' | 'backup.restore';
  client: string;
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
  /** The vault's audit key wrapped under this user's key, AAD "kw1|dek|audit|<id>|0". */
  wrappedAuditKey: Uint8Array;
  /**
   * Version 2: the user's ECDH P-256 public key (plaintext, so anyone granting can wrap for it) and its
   * private key as PKCS#8 sealed under the user key, AAD "kw1|user|<id>|privateKey|0". A user row from
   * version 1 (the owner) gets them at its next unlock.
   */
  publicKey?: JsonWebKey;
  sealedPrivateKey?: Uint8Array;
  /** Set for a user added by an admin with a one-time password, until they choose their own. */
  mustChangePassword?: boolean;
  /** Issue #18: the passkeys that can unlock this user's key beside the password (absent: none). No migration: optional. */
  passkeys?: PasskeySlotRow[];
  /**
   * Version 3 (issue #14): the user's ECDSA P-256 signing key (PKCS#8) sealed under their user key, AAD
   * "kw1|user|<id>|signingKey|0". Its public point is in the ledger, never taken from this row.
   */
  sealedSigningKey?: Uint8Array;
  /**
   * Version 3: what this user has verified of the ledger, sealed under their user key, AAD "kw1|user|<id>|pin|0":
   * JSON {root, seq, head} (docs/FORMAT.md §7.4). A ledger whose first link or pinned link differs is refused.
   */
  pin?: Uint8Array;
}

/**
 * One link of the ledger of principals (version 3, issue #14, docs/FORMAT.md §7): a signed statement about users,
 * roles, groups or memberships, chained to the one before it by hash. Plaintext: it is public by design, and
 * authentic because each link is signed by someone the links before it entitle.
 */
export interface LedgerRow {
  seq: number;
  at: number;
  /** The signer's user id. */
  by: string;
  /** The statement (docs/FORMAT.md §7.2). */
  body: LedgerBody;
  /** SHA-256 of the previous link's signed bytes (32 zero bytes for link 0). */
  prev: Uint8Array;
  /** ECDSA P-256 SHA-256 over the link's signed bytes, r ‖ s. */
  sig: Uint8Array;
}

/** A principal as the ledger states it; public keys are uncompressed P-256 points in base64url. */
export interface LedgerUser {
  id: string;
  name: string;
  role: 'owner' | 'admin' | 'member' | 'auditor';
  /** ECDH public key (wrapping grants for them). */
  ecdh: string;
  /** ECDSA public key (their signatures); null for a user certified by the upgrade who has not signed in since. */
  sign: string | null;
}

export type LedgerBody =
  | { type: 'genesis'; vaultId: string; user: LedgerUser }
  | { type: 'user.add'; user: LedgerUser }
  | { type: 'user.keys'; id: string; ecdh: string; sign: string; first: { client: string } | null }
  | { type: 'user.role'; id: string; role: 'admin' | 'member' | 'auditor' }
  | { type: 'user.remove'; id: string }
  | { type: 'group.add'; id: string; ecdh: string }
  | { type: 'group.keys'; id: string; ecdh: string }
  | { type: 'group.remove'; id: string }
  | { type: 'member.add'; group: string; user: string }
  | { type: 'member.remove'; group: string; user: string };

/**
 * One passkey or security key that opens the user key (issue #18, docs/FORMAT.md §3.2). S is a random per-slot
 * AES-256 key; KEK_prf = HKDF-SHA256(PRF output, prfSalt, "keyward/passkey-slot/v1").
 */
export interface PasskeySlotRow {
  /** Random id (16 bytes, base64url). */
  id: string;
  /** Plaintext label the person chose ("YubiKey", "This laptop"): shown in Settings and named in the audit log. */
  name: string;
  /** The WebAuthn credential's raw id (plaintext: the unlock screen hands it to the authenticator). */
  credentialId: Uint8Array;
  /** 32 random bytes, the PRF input `eval.first`. */
  prfSalt: Uint8Array;
  createdAt: number;
  lastUsedAt: number | null;
  /** S wrapped under KEK_prf, AAD "kw1|passkey|<userId>|<slotId>:prf|0". */
  wrappedSlotKey: Uint8Array;
  /** S wrapped under the user key, AAD "kw1|passkey|<userId>|<slotId>:slotKey|0" (user-key rotation re-wraps with it). */
  slotKeyUnderUser: Uint8Array;
  /** The user key wrapped under S, AAD "kw1|passkey|<userId>|<slotId>:userKey|0". */
  wrappedUserKey: Uint8Array;
}

/** A named set of users (version 2). The group is a principal with its own ECDH P-256 key pair. */
export interface GroupRow {
  id: string;
  createdAt: number;
  /** The name sealed under the vault-wide audit key (every user holds it), AAD "kw1|group|<id>|name|0". */
  sealedName: Uint8Array;
  /** Plaintext, so that anyone granting a key to the group can wrap it without being a member. */
  publicKey: JsonWebKey;
}

/** One member of a group: the group's private key sealed for that member through ECDH (version 2). */
export interface MemberRow {
  groupId: string;
  userId: string;
  addedAt: number;
  /** The ephemeral public point of the agreement with the member's public key. */
  epk: Uint8Array;
  /** The group's private key (PKCS#8) sealed under the agreed key, AAD "kw1|group|<groupId>|member|0" + user id. */
  sealedPrivateKey: Uint8Array;
}

export interface KeyRow {
  id: string;
  createdAt: number;
  updatedAt: number;
  currentVersion: number;
  /** Copied from the current version, so a list loads from key rows alone. */
  currentOrigin: 'generated' | 'imported';
  currentCompromisedAt: number | null;
  /** Versions below this are retired: kept, never revealed or exported. */
  minVersion: number;
  /**
   * Version 2: when present, the metadata is sealed under a separate meta key, itself wrapped under the
   * DEK here (AAD "kw1|dek|<id>|meta|0"), so a "view" grant can hold the meta key without the DEK.
   * Absent: the metadata is sealed under the DEK (every key of version 1).
   */
  wrappedMetaKey?: Uint8Array;
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

/** One wrapping of a key's DEK (or, for "view", of its meta key) for one principal: a user or a group. */
export interface GrantRow {
  keyId: string;
  principalId: string;
  permission: 'owner' | 'manage' | 'rotate' | 'use' | 'view';
  createdAt: number;
  /**
   * The DEK, AAD "kw1|dek|<keyId>|<principalId>|0", wrapped under the principal's user key (no `epk`),
   * or under a key agreed by ECDH with the principal's public key (`epk` present). null for "view".
   */
  wrappedDek: Uint8Array | null;
  /** For "view": the key's meta key, AAD "kw1|dek|<keyId>|<principalId>|1", wrapped the same way. */
  wrappedMetaKey?: Uint8Array;
  /** Version 2: the ephemeral public point when the wrapping was made by ECDH (by someone else). */
  epk?: Uint8Array;
  /** Who granted it (a user id), for the Access panel. */
  grantedBy?: string;
}

export interface KeywardSchema extends DBSchema {
  meta: { key: string; value: MetaRow };
  users: { key: string; value: UserRow; indexes: { byName: string } };
  keys: { key: string; value: KeyRow };
  versions: { key: [string, number]; value: VersionRow; indexes: { byKey: string } };
  grants: { key: [string, string]; value: GrantRow; indexes: { byPrincipal: string; byKey: string } };
  audit: { key: number; value: AuditRow; indexes: { byAt: number } };
  auditPending: { key: number; value: AuditPendingRow };
  groups: { key: string; value: GroupRow };
  members: { key: [string, string]; value: MemberRow; indexes: { byUser: string } };
  ledger: { key: number; value: LedgerRow };
}
