// Owns the signed-in user's own keys: the password that wraps their user key (change, KDF upgrade at unlock), the
// user key itself (rotation), and the ECDH key pair a user from schema version 1 gets at their next unlock.

import type { UserKey } from '../../crypto';
import { DB, type LedgerBody, type UserRow } from '../../storage';
import type { AuditAction } from '../audit-chain';
import { VaultError } from '../errors';
import { newUserKeyPair } from '../principals';
import { applyUserKeyChange, prepareFirstSignIn, prepareKdfUpgrade, preparePasswordChange, prepareUserKeyRotation, readUser, type UserKeyChange } from '../user-keys';
import type { SessionContext } from './context';
import { PrincipalLedger, type PreparedLinks } from './principal-ledger';

const S = DB.stores;

/** A KDF upgrade that unlock found due: the stored count is below the floor. */
export interface KdfUpgradeRequest {
  user: UserRow;
  extractableUserKey: UserKey;
  password: string;
  floor: number;
}

export class Credentials {
  readonly #ctx: SessionContext;
  #kdfUpgrade: { from: number; to: number } | null = null;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** Set when unlock raised the stored PBKDF2 iterations to the current default. */
  get kdfUpgrade(): { from: number; to: number } | null {
    return this.#kdfUpgrade;
  }

  /** Re-wraps only the user key under a KEK from the new password; no record is re-encrypted. */
  async changePassword(current: string, next: string): Promise<void> {
    const ctx = this.#ctx;
    ctx.key();
    if (ctx.mustChange && current === next) throw new VaultError('InvalidInput', 'choose a password other than the one you were given', { field: 'password' });
    // A first sign-in also replaces the user key and key pair the admin made (issue #14); later changes re-wrap only.
    const first = ctx.mustChange;
    const change = first ? await prepareFirstSignIn(ctx.db, ctx.user.id, current, next) : await preparePasswordChange(ctx.db, ctx.user.id, current, next);
    await this.#apply(change, 'password.change', first ? { firstSignIn: true } : {}, change.signing ? () => this.#firstSignInLink(change) : undefined);
    if (change.signing && ctx.ledger.active) ctx.ledger.useSigningKey(change.signing.next);
    ctx.passwordChosen();
    // The private key and the grants were replaced: open them again from storage.
    if (first) ctx.ring.forgetCached();
  }

  /**
   * Replaces the user key: every data key this user holds is re-wrapped under a new user key, and the
   * new user key under the KEK, all in one transaction. The password proves it is the person.
   */
  async rotateUserKey(password: string): Promise<number> {
    const ctx = this.#ctx;
    if (ctx.mustChange) await ctx.guard.authorize('key.view', null);
    const change = await prepareUserKeyRotation(ctx.db, ctx.user.id, password);
    await this.#apply(change, 'userkey.rotate');
    return change.grants.length;
  }

  /** At unlock: raises the stored PBKDF2 count. A failure must not lock the person out: the old wrapping still opens the vault. */
  async upgradeKdf(up: KdfUpgradeRequest): Promise<void> {
    const ctx = this.#ctx;
    ctx.key(); // a locked session refuses, like every method (lock-hygiene.test.ts); only the upgrade's own failures are swallowed
    try {
      const change = await prepareKdfUpgrade(up.user, up.extractableUserKey, up.password, up.floor);
      const from = up.user.kdf.iterations;
      await ctx.writes.write([S.users, S.grants], [{ action: 'kdf.upgrade', details: { from, to: change.kdf.iterations } }], (tx) => applyUserKeyChange(tx, change));
      this.#kdfUpgrade = { from, to: change.kdf.iterations };
      ctx.userKeyChanged({ kdfIterations: change.kdf.iterations, wrappedUserKey: change.update.wrappedUserKey });
      // The upgrade re-wrote this user's rows: read them again rather than use the early read.
      ctx.ring.dropPrefetched();
    } catch {
      this.#kdfUpgrade = null;
    }
  }

  /**
   * A user row from schema version 1 (the owner, before issue #6) has no ECDH key pair: it is made at
   * this unlock, so keys can be granted to them. A failure leaves the vault usable as before.
   */
  async ensureKeyPair(): Promise<void> {
    const ctx = this.#ctx;
    const userKey = ctx.key();
    try {
      const user = await readUser(ctx.db, ctx.user.id);
      if (user.publicKey && user.sealedPrivateKey) return;
      const pair = await newUserKeyPair(user.id, userKey);
      await ctx.writes.write([S.users], [{ action: 'user.keys', details: { userId: user.id } }], async (tx) => {
        const stored = await tx.objectStore(S.users).get(user.id);
        if (!stored || stored.publicKey) return;
        await tx.objectStore(S.users).put({ ...stored, publicKey: pair.publicKey, sealedPrivateKey: pair.sealedPrivateKey });
      }, { grants: true });
      // A load already under way read this user without the pair: it starts again, and opens the new private key.
      ctx.ring.forgetCached();
    } catch {
      // Tried again at the next unlock.
    }
  }

  /**
   * The first sign-in's link (issue #14): the user's new keys and the client, signed with the key the ledger knows for
   * them (the one the admin made), or with the new key when the ledger knows none (a user certified by the upgrade).
   */
  #firstSignInLink(change: UserKeyChange): Promise<PreparedLinks | null> {
    const ctx = this.#ctx;
    const s = change.signing!;
    const body: LedgerBody = { type: 'user.keys', id: ctx.user.id, ecdh: PrincipalLedger.point(s.ecdh), sign: s.next.point, first: { client: ctx.log().client.slice(0, 200) || 'unknown client' } };
    const known = ctx.ledger.me?.sign ?? null;
    const signer = known === null ? s.next : s.previous;
    if (!signer) throw new VaultError('Corrupt', 'your first signing key does not open; ask an admin to add you again');
    return ctx.ledger.prepare([body], { signer, userKey: change.userKey! });
  }

  async #apply(change: UserKeyChange, action: AuditAction, extra: Record<string, unknown> = {}, links?: () => Promise<PreparedLinks | null>): Promise<void> {
    // A password change keeps the user key held here: it must still be the stored one (another tab may have
    // rotated it). A rotation brings its own new key, so it may also heal a session that is behind.
    const details = { iterations: change.kdf.iterations, rewrapped: change.grants.length, ...extra };
    await this.#ctx.writes.write([S.users, S.grants, S.members], [{ action, details }], (tx) => applyUserKeyChange(tx, change), { grants: change.userKey === null, ...(links ? { links } : {}) });
    this.#ctx.userKeyChanged({ kdfIterations: change.kdf.iterations, wrappedUserKey: change.update.wrappedUserKey, userKey: change.userKey });
  }
}
