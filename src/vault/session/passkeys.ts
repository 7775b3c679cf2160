// Owns the signed-in person's passkey slots (issue #18): the list, adding one (the password first, then the browser's
// dialog in the UI, then the slot written), and removing one. Each goes through the guard and the one write path, with
// an audit entry naming the slot (never a secret). A slot's crypto is in ../passkeys.ts.

import { bytesEqual, type UserKey } from '../../crypto';
import { DB, type UserRow } from '../../storage';
import { VaultError } from '../errors';
import { openUserKey, readUser } from '../user-keys';
import { makeSlot, MAX_PASSKEYS, newPrfSalt, passkeyInfo, slotsOf, type NewPasskey, type PasskeyInfo } from '../passkeys';
import type { SessionContext } from './context';

const S = DB.stores;

/** Step 1 of "Add passkey": the password was right; what the browser's dialog needs, and the step that stores it. */
export interface PasskeyEnrolment {
  /** The user's id and name, for the WebAuthn `user` entity. */
  userId: string;
  userName: string;
  /** This slot's PRF input: `prf: { eval: { first: prfSalt } }`. */
  prfSalt: Uint8Array;
  /** Credentials this user has already: `excludeCredentials`, so one authenticator is not added twice. */
  existing: Uint8Array[];
  /** Step 2: stores the slot once the dialog gave a PRF output. Refuses a bad output (PasskeyRefused); stores nothing then. */
  finish(input: NewPasskey): Promise<PasskeyInfo>;
  /** Drops the opened user key (the dialog was cancelled, or the authenticator has no PRF). */
  cancel(): void;
}

export class Passkeys {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /** This person's passkeys, as Settings lists them. */
  async list(): Promise<PasskeyInfo[]> {
    const ctx = this.#ctx;
    // Everyone's own, like the password: every role may (the guard still refuses a locked or stale session).
    await ctx.guard.authorize('key.view', null);
    return slotsOf(await readUser(ctx.db, ctx.user.id)).map(passkeyInfo);
  }

  /** "Add passkey", step 1: checks the password (WrongPassword) before any browser dialog. */
  async begin(password: string): Promise<PasskeyEnrolment> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('key.view', null);
    const user = await readUser(ctx.db, ctx.user.id);
    if (slotsOf(user).length >= MAX_PASSKEYS) throw new VaultError('InvalidInput', `at most ${MAX_PASSKEYS} passkeys`, { field: 'passkeyName' });
    // Opened extractable: the slot wraps the user key under S. Held only until finish() or cancel().
    let userKey: UserKey | null = (await openUserKey(user, password, { extractable: true })).userKey;
    const prfSalt = newPrfSalt();
    const stop = ctx.onLock(() => (userKey = null));
    const take = (): UserKey => {
      const key = userKey;
      userKey = null;
      stop();
      if (key === null) throw new VaultError('Locked', 'the vault is locked');
      return key;
    };
    return {
      userId: user.id,
      userName: user.name,
      prfSalt,
      existing: slotsOf(user).map((s) => new Uint8Array(s.credentialId)),
      finish: async (input) => this.#add(user, take(), { ...input, prfSalt }),
      cancel: () => {
        userKey = null;
        stop();
      },
    };
  }

  async #add(user: UserRow, userKey: UserKey, input: NewPasskey & { prfSalt: Uint8Array }): Promise<PasskeyInfo> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('key.view', null);
    const slot = await makeSlot(user.id, userKey, input, ctx.clock.now());
    await ctx.writes.write(
      [S.users],
      [{ action: 'passkey.add', details: { passkey: slot.name, slotId: slot.id } }],
      async (tx) => {
        const stored = await tx.objectStore(S.users).get(user.id);
        // grants: true below has checked this session's user key is the stored one; the slot wraps it.
        if (!stored || !bytesEqual(stored.wrappedUserKey, user.wrappedUserKey)) throw new VaultError('ChangedElsewhere', 'your user key changed meanwhile; try again');
        const slots = slotsOf(stored);
        if (slots.length >= MAX_PASSKEYS) throw new VaultError('InvalidInput', `at most ${MAX_PASSKEYS} passkeys`, { field: 'passkeyName' });
        if (slots.some((s) => bytesEqual(s.credentialId, slot.credentialId))) throw new VaultError('InvalidInput', 'this passkey was added already', { field: 'credentialId' });
        await tx.objectStore(S.users).put({ ...stored, passkeys: [...slots, slot] });
      },
      { grants: true },
    );
    return passkeyInfo(slot);
  }

  /** Removes one passkey: it no longer unlocks (the password and other passkeys stay). */
  async remove(slotId: string): Promise<void> {
    const ctx = this.#ctx;
    await ctx.guard.authorize('key.view', null);
    const slot = slotsOf(await readUser(ctx.db, ctx.user.id)).find((s) => s.id === slotId);
    if (!slot) throw new VaultError('NotFound', 'no such passkey');
    await ctx.writes.write([S.users], [{ action: 'passkey.remove', details: { passkey: slot.name, slotId } }], async (tx) => {
      const stored = await tx.objectStore(S.users).get(ctx.user.id);
      const slots = stored ? slotsOf(stored) : [];
      if (!stored || !slots.some((s) => s.id === slotId)) throw new VaultError('ChangedElsewhere', 'this passkey was removed elsewhere meanwhile');
      await tx.objectStore(S.users).put({ ...stored, passkeys: slots.filter((s) => s.id !== slotId) });
    });
  }
}
