// Owns the vault's public types: ids, records as the UI sees them, settings and the clock.

import type { KeyAlgorithm } from '../crypto';

export type UserId = string & { readonly __brand: 'UserId' };
export type KeyId = string & { readonly __brand: 'KeyId' };

/** Issue #6 adds admin, member and auditor; the creator of a vault is its owner. */
export type Role = 'owner' | 'admin' | 'member' | 'auditor';

/** Milliseconds since the epoch; injected so that timers and due dates are testable. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** How a stored value is written: generated encodings, or free text for a pasted value. */
export const VALUE_FORMATS = ['text', 'hex', 'base64', 'base64url'] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

/** "secret" is a value (API key, token, password); the others are typed keys made by WebCrypto. */
export const KEY_KINDS = ['secret', 'aes-gcm', 'hmac', 'ecdsa-p256', 'ed25519', 'rsa-oaep', 'rsa-pss'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** NIST SP 800-57 Part 1 §7 key states. */
export const KEY_STATES = ['pre-activation', 'active', 'suspended', 'deactivated', 'compromised', 'destroyed'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** How a version's material came to be: made here (can be made again by automatic rotation), or brought in. */
export type VersionOrigin = 'generated' | 'imported';

/** Rotation every `periodDays` days (null: never); `auto` rotates generated keys by themselves when due. */
export interface RotationPolicy {
  periodDays: number | null;
  auto: boolean;
}

/** How a generated secret was made, so that rotation can make the next one alike. */
export interface SecretRecipe {
  bytes: number;
  format: 'hex' | 'base64' | 'base64url';
}

/** One entry of a key's history: every state change and rotation, with time and actor. */
export interface KeyEvent {
  readonly at: number;
  readonly actor: string;
  readonly action: 'created' | 'rotated' | 'state' | 'policy' | 'destruction-scheduled' | 'destruction-cancelled' | 'destroyed' | 'versions-trimmed' | 'oldest-usable';
  readonly from?: KeyState;
  readonly to?: KeyState;
  readonly version?: number;
  readonly reason?: string;
}

export interface KeyVersionInfo {
  readonly version: number;
  readonly createdAt: number;
  readonly origin: VersionOrigin;
  /** usable: may be revealed/exported; retired: below the oldest usable version; destroyed: material erased. */
  readonly status: 'current' | 'usable' | 'retired' | 'destroyed';
  readonly compromised: boolean;
}

/** What a person types or generates to make a key record of kind "secret". */
export interface KeyInput {
  name: string;
  value: string;
  format: ValueFormat;
  tags: string[];
  notes: string;
  /** Present when the value came from the generator: rotation then generates the next value alike. */
  recipe?: SecretRecipe | null;
  rotation?: RotationPolicy;
  /** A future activation time makes the key pre-active until then. */
  activationAt?: number | null;
}

/** Common fields of a typed key, generated or imported. */
export interface TypedKeyInput {
  name: string;
  tags: string[];
  notes: string;
  rotation?: RotationPolicy;
  activationAt?: number | null;
}

/** A decrypted key record without its value: what the list and detail views show. */
export interface KeySummary {
  readonly id: KeyId;
  /** The signed-in user's best grant on this key (direct or through a group). */
  readonly permission: 'owner' | 'manage' | 'rotate' | 'use' | 'view';
  readonly kind: KeyKind;
  readonly name: string;
  readonly format: ValueFormat;
  readonly tags: readonly string[];
  readonly notes: string;
  /** Current version number, 1 for a new key; a rotation or a change of value adds a version. */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Typed keys: the algorithm; null for secrets. */
  readonly algorithm: KeyAlgorithm | null;
  /** Typed keys: whether a private/secret part is held (false for an imported public key). */
  readonly hasPrivate: boolean;
  readonly state: KeyState;
  readonly activationAt: number | null;
  /** Versions below this are retired: kept, but no longer revealed or exported. */
  readonly oldestUsableVersion: number;
  readonly keepVersions: number;
  readonly rotation: RotationPolicy;
  readonly lastRotatedAt: number;
  /** When the next rotation is due; null when the policy has no period or the key is not in use. */
  readonly nextRotationAt: number | null;
  /** Whether rotation can make new material by itself (generated typed keys, generated secrets). */
  readonly canAutoRotate: boolean;
  readonly recipe: SecretRecipe | null;
  /** Set while destruction is scheduled: the time it will happen. */
  readonly destroyAt: number | null;
  readonly compromiseReason: string | null;
  readonly history: readonly KeyEvent[];
}

export interface SignedInUser {
  readonly id: UserId;
  readonly name: string;
  readonly role: Role;
  /** Added by an admin with a one-time password: must choose their own before anything else. */
  readonly mustChangePassword?: boolean;
}

/** A person or a group that keys can be granted to (issue #6). */
export interface PrincipalInfo {
  readonly id: string;
  readonly kind: 'user' | 'group';
  readonly name: string;
  /** Users only. */
  readonly role?: Role;
}

export interface UserInfo {
  readonly id: UserId;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly mustChangePassword: boolean;
  /** Ids of the groups they belong to. */
  readonly groups: readonly string[];
}

export interface GroupInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly members: readonly UserId[];
  /** Whether the signed-in user is a member (only members can change the membership). */
  readonly isMember: boolean;
}

/** One grant on a key, as the Access panel shows it. */
export interface AccessEntry {
  readonly principalId: string;
  readonly kind: 'user' | 'group';
  readonly name: string;
  readonly permission: 'owner' | 'manage' | 'rotate' | 'use' | 'view';
  readonly createdAt: number;
  readonly grantedBy: string | null;
  /**
   * The signed-in person's own access to the key comes through this grant (their own, or a group's they
   * belong to, whichever gives the most): the vault refuses to revoke it (ask another manager).
   */
  readonly yourAccess: boolean;
}

export interface Settings {
  /** Lock after this many minutes without activity (1–1440). */
  autoLockMinutes: number;
  /** Clear a copied value from the clipboard after this many seconds (5–600). */
  clipboardClearSeconds: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({ autoLockMinutes: 15, clipboardClearSeconds: 30 });
export const SETTINGS_BOUNDS = Object.freeze({
  autoLockMinutes: { min: 1, max: 1440 },
  clipboardClearSeconds: { min: 5, max: 600 },
});

/** Limits on what a person may store, checked before any encryption (FORMAT.md §3). */
export const LIMITS = Object.freeze({
  nameMaxChars: 200,
  valueMaxBytes: 64 * 1024,
  notesMaxChars: 10_000,
  tagMaxChars: 50,
  tagsMax: 20,
  reasonMaxChars: 500,
});

export const ROTATION_PRESETS = [30, 90, 180, 365] as const;
export const DEFAULT_ROTATION: Readonly<RotationPolicy> = Object.freeze({ periodDays: 90, auto: false });
export const ROTATION_BOUNDS = Object.freeze({ minDays: 1, maxDays: 3650 });
/** "Due soon" badge: due within this many days. */
export const DUE_SOON_DAYS = 14;
export const DESTRUCTION_WAIT = Object.freeze({ minDays: 7, maxDays: 30, defaultDays: 30 });
export const KEEP_VERSIONS = Object.freeze({ min: 1, max: 100, default: 10 });

export const MIN_PASSWORD_LENGTH = 10;
