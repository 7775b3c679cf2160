// Owns the vault's public types: ids, records as the UI sees them, settings and the clock.

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

export const KEY_KINDS = ['secret'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/** What a person types or generates to make a key record. */
export interface KeyInput {
  name: string;
  value: string;
  format: ValueFormat;
  tags: string[];
  notes: string;
}

/** A decrypted key record without its value: what the list and detail views show. */
export interface KeySummary {
  readonly id: KeyId;
  readonly kind: KeyKind;
  readonly name: string;
  readonly format: ValueFormat;
  readonly tags: readonly string[];
  readonly notes: string;
  /** Current version number, 1 for a new key; a change of value adds a version. */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SignedInUser {
  readonly id: UserId;
  readonly name: string;
  readonly role: Role;
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
});

export const MIN_PASSWORD_LENGTH = 10;
