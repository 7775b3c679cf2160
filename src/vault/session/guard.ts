// Owns the one authorization point of a session (issue #6): the role and grant re-read per operation, refusals
// logged as access.denied, and a session whose user was removed or whose user key changed elsewhere locked.

import { bytesEqual } from '../../crypto';
import { DB, withTx, type GrantRow, type LedgerRow, type UserRow } from '../../storage';
import { denial, type Operation } from '../access';
import { VaultError } from '../errors';
import { guarded } from '../failures';
import type { KeyId } from '../types';
import { USER_KEY_CHANGED, type SessionContext } from './context';
import type { Held } from './held';

const S = DB.stores;

export class Guard {
  readonly #ctx: SessionContext;

  constructor(ctx: SessionContext) {
    this.#ctx = ctx;
  }

  /**
   * Every operation passes here first. Refusals are logged as access.denied and raised as AccessDenied
   * (or PasswordChangeRequired). For a key operation it returns the key as this user holds it. The key
   * hierarchy backs every refusal: without a grant there is no wrapping to open, and a "view" grant
   * holds no data key.
   */
  async authorize(op: Operation, id: KeyId): Promise<Held>;
  async authorize(op: Operation, id?: null): Promise<undefined>;
  async authorize(op: Operation, id?: KeyId | null): Promise<Held | undefined> {
    const ctx = this.#ctx;
    ctx.key();
    let why: string | null;
    let code: 'AccessDenied' | 'PasswordChangeRequired' = 'AccessDenied';
    // The keys this user holds are opened first (once per unlock): that decrypts, so it cannot run inside the
    // read below. A failure waits until the user row is checked: a removed user or a user key changed in
    // another tab (a grant wrapped under the new key does not open here) is said as such.
    let held: Held | undefined;
    let loadFailure: { error: unknown } | null = null;
    if (id != null && !ctx.mustChange) {
      try {
        held = (await ctx.ring.load()).get(id);
      } catch (error) {
        loadFailure = { error };
      }
    }
    // One read: the role afresh (an admin's change or removal applies to a session already open), the grant
    // the key was opened through, and whether the key exists at all.
    const stored = await this.#rows(id ?? null, held?.grant ?? null);
    const me = stored.user;
    if (!me) {
      await ctx.lock();
      throw new VaultError('Locked', 'this user was removed');
    }
    // Links another tab added: verified before the role is read from them (issue #14).
    await ctx.ledger.absorb(stored.links);
    if (!bytesEqual(me.wrappedUserKey, ctx.wrappedUserKey)) {
      await ctx.lock('rekeyed');
      throw new VaultError('Locked', USER_KEY_CHANGED);
    }
    if (loadFailure) throw loadFailure.error;
    // The role the signed ledger gives, never the row's plaintext one (a storage writer can set that: issue #14).
    const role = ctx.ledger.ownRole(me.role);
    if (ctx.mustChange) {
      why = 'choose your own password first';
      code = 'PasswordChangeRequired';
    } else if (id != null) {
      if (held && !grantStands(stored.grant, held.grant)) {
        // Granted, changed or revoked elsewhere since this session opened it: open it again from storage.
        ctx.ring.forget();
        held = (await ctx.ring.load()).get(id);
      }
      if (!held && !stored.keyExists) throw new VaultError('NotFound', 'no such key');
      why = denial(role, op, held?.permission ?? null);
    } else {
      why = denial(role, op);
    }
    if (why !== null) {
      await ctx.writes.record({ action: 'access.denied', keyId: id ?? null, version: null, outcome: 'denied', details: { operation: op, why } }).catch(() => undefined);
      throw new VaultError(code, why);
    }
    return held;
  }

  /**
   * What the guard reads, in one readonly transaction: this user's row, the stored grant `grant` was
   * (principal and key), and — for a key operation — whether the key exists.
   */
  #rows(id: KeyId | null, grant: GrantRow | null): Promise<{ user: UserRow | undefined; grant: GrantRow | undefined; keyExists: boolean; links: LedgerRow[] }> {
    const ctx = this.#ctx;
    const from = ctx.ledger.nextSeq;
    return guarded(() =>
      withTx(ctx.db, [S.users, S.grants, S.keys, S.ledger], 'readonly', async (tx) => {
        const [user, stored, key, links] = await Promise.all([
          tx.objectStore(S.users).get(ctx.user.id),
          grant ? tx.objectStore(S.grants).get([grant.keyId, grant.principalId]) : undefined,
          id != null ? tx.objectStore(S.keys).getKey(id) : undefined,
          ctx.ledger.active ? tx.objectStore(S.ledger).getAll(IDBKeyRange.lowerBound(from)) : [],
        ]);
        return { user, grant: stored, keyExists: key !== undefined, links };
      }),
    );
  }
}

/** Whether the grant a key was opened through is still the stored one (not revoked, changed or re-keyed). */
function grantStands(stored: GrantRow | undefined, grant: GrantRow): boolean {
  if (!stored || stored.permission !== grant.permission) return false;
  const a = stored.wrappedDek ?? stored.wrappedMetaKey;
  const b = grant.wrappedDek ?? grant.wrappedMetaKey;
  return a !== undefined && b !== undefined && bytesEqual(a, b);
}
