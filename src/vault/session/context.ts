// Owns what an unlocked session holds in common: the database, the clock, the signed-in user and their keys in
// memory, the audit log, and the three parts every operation goes through (the guard, the write path, the key ring).

import type { UserKey } from '../../crypto';
import type { KeyRowsRead } from '../key-rows';
import type { KeywardDb } from '../../storage';
import type { AuditLog } from '../audit-log';
import { VaultError } from '../errors';
import type { Clock, Settings, SignedInUser } from '../types';
import { Guard } from './guard';
import { KeyRing } from './key-ring';
import { PrincipalLedger } from './principal-ledger';
import { WritePath } from './write-path';

export interface SessionInit {
  /**
   * The key rows, read while the password was being checked (Vault.unlock starts the read before the
   * key derivation, which runs off the main thread): the first load of the list uses them instead of
   * reading again. Rows only — nothing here is decrypted before the password has opened the user key.
   */
  prefetched?: KeyRowsRead;
  db: KeywardDb;
  clock: Clock;
  user: SignedInUser;
  userKey: UserKey;
  /**
   * The stored wrapping (UserRow.wrappedUserKey) `userKey` was opened from. A write that stores a grant
   * checks, inside its transaction, that the stored row still holds it: if another tab changed this user's
   * key (or password) meanwhile, the write is refused rather than store what the new key cannot open.
   */
  wrappedUserKey: Uint8Array;
  settings: Settings;
  kdfIterations: number;
  audit: AuditLog;
}

/**
 * Why a session locked: asked to ('manual'), auto-lock ('auto'), or its user key was found changed by
 * another tab, by the guard or inside a write ('rekeyed'; the call failed with VaultError 'Locked').
 */
export type LockCause = 'manual' | 'auto' | 'rekeyed';

/** Why a session whose user key another tab replaced refuses (VaultError 'Locked'); no secret in it. */
export const USER_KEY_CHANGED = 'your password or user key was changed in another tab; unlock again';

export class SessionContext {
  readonly db: KeywardDb;
  readonly clock: Clock;
  readonly user: SignedInUser;
  /** The one authorization point: every operation passes it first. */
  readonly guard: Guard;
  /** The one write path: cross-tab lock, one transaction, the audit entry in it. */
  readonly writes: WritePath;
  /** The keys this user holds, opened once per unlock. */
  readonly ring: KeyRing;
  /** The verified ledger of principals: roles, public keys and memberships (issue #14). */
  readonly ledger: PrincipalLedger;
  #userKey: UserKey | null;
  #wrappedUserKey: Uint8Array;
  #kdfIterations: number;
  #mustChange: boolean;
  #audit: AuditLog | null;
  readonly #onDrop = new Set<() => void>();
  readonly #onLock = new Set<(reason: LockCause) => void>();

  constructor(init: SessionInit) {
    this.db = init.db;
    this.clock = init.clock;
    this.user = init.user;
    this.#userKey = init.userKey;
    this.#wrappedUserKey = init.wrappedUserKey;
    this.#kdfIterations = init.kdfIterations;
    this.#audit = init.audit;
    this.#mustChange = init.user.mustChangePassword === true;
    this.ledger = new PrincipalLedger(this);
    this.writes = new WritePath(this);
    this.ring = new KeyRing(this, init.prefetched ?? null);
    this.guard = new Guard(this);
  }

  get locked(): boolean {
    return this.#userKey === null;
  }

  /** The user key; every operation of a locked session refuses here with VaultError 'Locked'. */
  key(): UserKey {
    if (this.#userKey === null) throw new VaultError('Locked', 'the vault is locked');
    return this.#userKey;
  }

  log(): AuditLog {
    this.key();
    return this.#audit!;
  }

  /** SessionInit.wrappedUserKey, updated when this session itself re-wraps the user key. */
  get wrappedUserKey(): Uint8Array {
    return this.#wrappedUserKey;
  }

  get kdfIterations(): number {
    return this.#kdfIterations;
  }

  /** True until a user added with a one-time password has chosen their own (everything else is refused). */
  get mustChange(): boolean {
    return this.#mustChange;
  }

  /** This session re-wrapped (or replaced) its own user key: remember the new wrapping, count and key. */
  userKeyChanged(change: { kdfIterations: number; wrappedUserKey?: Uint8Array | undefined; userKey?: UserKey | null | undefined }): void {
    this.#kdfIterations = change.kdfIterations;
    if (change.wrappedUserKey) this.#wrappedUserKey = change.wrappedUserKey;
    if (change.userKey && this.#userKey !== null) this.#userKey = change.userKey;
  }

  passwordChosen(): void {
    this.#mustChange = false;
  }

  /** Runs on lock, before the onLock listeners: each part drops what it decrypted or cached. */
  onDrop(fn: () => void): void {
    this.#onDrop.add(fn);
  }

  /** Called once when this session locks (by lock() from anywhere), with why. Returns an unsubscribe function. */
  onLock(fn: (reason: LockCause) => void): () => void {
    this.#onLock.add(fn);
    return () => this.#onLock.delete(fn);
  }

  /**
   * Drops every key and decrypted value from memory at once. Idempotent. The returned promise settles
   * when the lock entry is in the log (written with keys captured before they were dropped).
   */
  lock(reason: LockCause = 'manual'): Promise<void> {
    if (this.#userKey === null) return Promise.resolve();
    const log = this.#audit;
    const entry = log ? this.writes.recordLock(log, reason) : Promise.resolve();
    this.#userKey = null;
    this.#audit = null;
    for (const fn of this.#onDrop) fn();
    for (const fn of this.#onLock) fn(reason);
    this.#onLock.clear();
    return entry;
  }

  /** The unlock failed: nothing decrypted meanwhile may outlive it, and no lock entry is written (there was no unlock). */
  abandon(): void {
    this.#audit = null;
    void this.lock();
  }
}
